package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs one workflow over a batch of records and returns what must be written before the batch's
 * offsets are committed: tasks for the outbox and dead letters. Kafka-free and Camel-free, so it is
 * tested directly; {@link WorkflowRoute} feeds it from Kafka.
 *
 * <p>Events move through the steps together, so a step can batch its model calls. An event leaves
 * the batch when a filter or condition is false (skipped), or when it fails (dead-lettered).
 */
public final class WorkflowRunner implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkflowRunner.class);
    private static final int RETRIABLE_ATTEMPTS = 4;

    private final Workflow workflow;
    private final EventParser parser;
    private final String tasksTopic;
    private final String deadLetterTopic;
    private final Set<String> types;
    private final Cel.Condition filter;
    private final List<CompiledStep> steps = new ArrayList<>();
    private final Map<String, Long> counters = new ConcurrentHashMap<>();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();
    /** The input each output of the current batch came from, to dead-letter it when Kafka refuses the output. */
    private final Map<ProducerRecord<byte[], byte[]>, InputRecord> origins = Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private volatile String reviewTopic = "switchboard.review";
    private volatile String auditTopic = "switchboard.audit";
    private final RunObserver observer;
    private final Tracing tracing;

    private record CompiledStep(StepSpec spec, Cel.Condition when, Step step) {
    }

    public WorkflowRunner(Workflow workflow, StepEnvironment environment, EventParser parser, String tasksTopic, String deadLetterTopic) {
        this(workflow, environment, parser, tasksTopic, deadLetterTopic, RunObserver.NONE);
    }

    public WorkflowRunner(Workflow workflow, StepEnvironment environment, EventParser parser, String tasksTopic,
                          String deadLetterTopic, RunObserver observer) {
        this(workflow, environment, parser, tasksTopic, deadLetterTopic, observer, Tracing.noop());
    }

    public WorkflowRunner(Workflow workflow, StepEnvironment environment, EventParser parser, String tasksTopic,
                          String deadLetterTopic, RunObserver observer, Tracing tracing) {
        this.observer = observer;
        this.tracing = tracing;
        this.workflow = workflow;
        this.parser = parser;
        this.tasksTopic = tasksTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.types = Set.copyOf(workflow.on().types());
        Cel cel = new Cel();
        this.filter = workflow.on().filter() == null ? null : cel.compile(workflow.on().filter());
        for (StepSpec spec : workflow.steps()) {
            steps.add(new CompiledStep(spec, spec.when() == null ? null : cel.compile(spec.when()),
                    spec.factory().create(spec.id(), spec.options(), environment)));
        }
    }

    public Workflow workflow() {
        return workflow;
    }

    /** Where held events and the audit records of model calls go; the defaults are the default topic names. */
    public WorkflowRunner reviewAndAudit(String reviewTopic, String auditTopic) {
        this.reviewTopic = reviewTopic;
        this.auditTopic = auditTopic;
        return this;
    }

    /** Counts by outcome: events, skipped, tasks, dead_letters. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    /** The records to write for this batch; never throws for a bad event. */
    public List<ProducerRecord<byte[], byte[]>> process(List<InputRecord> batch) {
        origins.clear();
        Map<String, Long> before = Map.copyOf(counters);
        List<ProducerRecord<byte[], byte[]>> out = process(batch, new ArrayList<>());
        observer.batch(workflow.name(), batch.size(), delta(before, "skipped"), delta(before, "tasks"),
                delta(before, "dead_letters"), delta(before, "reviews"));
        return out;
    }

    private int delta(Map<String, Long> before, String counter) {
        return (int) (counters.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L));
    }

    private List<ProducerRecord<byte[], byte[]>> process(List<InputRecord> batch, List<ProducerRecord<byte[], byte[]>> out) {
        List<Run> alive = new ArrayList<>();
        for (InputRecord input : batch) {
            EventParser.Result parsed = parser.parse(input.value());
            if (parsed instanceof EventParser.Rejected rejected) {
                deadLetter(out, input, null, rejected.reason());
                continue;
            }
            EventParser.Accepted event = (EventParser.Accepted) parsed;
            // a person's decision on an event this workflow held: resume it after the reviewed step, or end it
            ReviewRecords.Decision decision = ReviewRecords.decision(event, workflow.name());
            if (decision != null && (!decision.approved() || stepIndex(decision.step()) < 0)) {
                if (decision.approved()) {
                    deadLetter(out, input, decision.step(), "Review decision for unknown step '" + decision.step() + "'");
                } else {
                    count("reviews_rejected");
                }
                continue;
            }
            if (decision == null && !types.contains(event.type())) {
                count("skipped");
                continue;
            }
            Run run = decision == null ? new Run(input, event.id(), event.type(), JsonValues.toMap(event.event()))
                    : new Run(input, decision.eventId(), decision.eventType(), decision.event());
            if (decision != null) {
                run.steps.putAll(decision.steps());
                run.steps.put(decision.step(), decision.value());
                run.resumeAfter = stepIndex(decision.step());
                count("reviews_approved");
            }
            run.span = tracing.start("workflow " + workflow.name(), io.opentelemetry.api.trace.SpanKind.CONSUMER,
                    Tracing.parent(input.headers(), run.event.get("traceparent")),
                    Map.of("switchboard.workflow", workflow.name(), "cloudevents.event_id", event.id(),
                            "cloudevents.event_type", event.type(), "messaging.destination.name", input.topic()));
            run.trace = io.opentelemetry.context.Context.root().with(run.span);
            if (filter != null && decision == null) {
                try {
                    if (!filter.test(run.variables())) {
                        count("skipped");
                        run.span.setAttribute("switchboard.outcome", "skipped");
                        run.span.end();
                        continue;
                    }
                } catch (Cel.ConditionException e) {
                    deadLetter(out, input, null, "on.filter: " + e.getMessage());
                    run.span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "dead-lettered");
                    run.span.end();
                    continue;
                }
            }
            alive.add(run);
        }
        for (CompiledStep step : steps) {
            List<Run> selected = new ArrayList<>();
            for (Run run : alive) {
                if (run.failed || steps.indexOf(step) <= run.resumeAfter) {
                    continue;
                }
                try {
                    if (step.when() == null || step.when().test(run.variables())) {
                        selected.add(run);
                    }
                } catch (Cel.ConditionException e) {
                    run.failed = true;
                    deadLetter(out, run.input, step.spec().id(), "steps." + step.spec().id() + ".when: " + e.getMessage());
                }
            }
            runStep(step, selected, out);
        }
        for (Run run : alive) {
            if (!run.failed) {
                for (Task task : run.tasks) {
                    ProducerRecord<byte[], byte[]> record = taskRecord(task);
                    String traceparent = Tracing.traceparent(run.trace);
                    if (traceparent != null) {
                        record.headers().add(Tracing.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
                    }
                    out.add(origin(record, run.input));
                    count("tasks");
                }
                run.span.setAttribute("switchboard.tasks", run.tasks.size());
            } else {
                run.span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "dead-lettered");
            }
            run.span.end();
        }
        // Counted when the batch is done, so "events" means "processed", not "seen".
        counters.merge("events", (long) batch.size(), Long::sum);
        return out;
    }

    private void runStep(CompiledStep step, List<Run> selected, List<ProducerRecord<byte[], byte[]>> out) {
        List<Run> pending = selected;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            long started = System.nanoTime();
            List<io.opentelemetry.api.trace.Span> spans = new ArrayList<>(pending.size());
            for (Run run : pending) {
                spans.add(tracing.start("step " + step.spec().id(), io.opentelemetry.api.trace.SpanKind.INTERNAL, run.trace,
                        Map.of("switchboard.step", step.spec().id(), "switchboard.step.type", step.spec().type(),
                                "switchboard.attempt", Integer.toString(attempt))));
            }
            List<StepOutcome> outcomes = runSafely(step, pending);
            long nanos = System.nanoTime() - started;
            for (int i = 0; i < pending.size(); i++) {
                io.opentelemetry.context.Context stepContext = pending.get(i).trace.with(spans.get(i));
                StepOutcome traced = outcomes.get(i);
                List<ModelCall> tracedCalls = traced instanceof StepOutcome.Completed c ? c.calls()
                        : traced instanceof StepOutcome.Failed f ? f.calls() : List.of();
                tracedCalls.forEach(call -> tracing.modelCall(stepContext, call));
                if (traced instanceof StepOutcome.Failed f) {
                    spans.get(i).setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, f.reason().length() > 200 ? f.reason().substring(0, 200) : f.reason());
                }
                spans.get(i).end();
            }
            int completedCount = 0;
            int failedCount = 0;
            List<Run> retry = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Run run = pending.get(i);
                StepOutcome outcome = outcomes.get(i);
                for (ProducerRecord<byte[], byte[]> audit : ReviewRecords.audit(auditTopic, workflow.name(), step.spec().id(), run.eventId, calls(outcome))) {
                    out.add(origin(audit, run.input));
                }
                if (outcome instanceof StepOutcome.Completed completed) {
                    completedCount++;
                    completed.calls().forEach(call -> observer.modelCall(workflow.name(), step.spec().id(), call));
                    run.calls.addAll(completed.calls());
                    run.steps.put(step.spec().id(), completed.output());
                    if (completed.task() != null) {
                        run.tasks.add(completed.task());
                    }
                } else if (outcome instanceof StepOutcome.Failed failed) {
                    failed.calls().forEach(call -> observer.modelCall(workflow.name(), step.spec().id(), call));
                    run.calls.addAll(failed.calls());
                    if (failed.retriable() && attempt < RETRIABLE_ATTEMPTS) {
                        retry.add(run);
                    } else {
                        failedCount++;
                        run.failed = true;
                        String reason = "Step '" + step.spec().id() + "' (" + step.spec().type() + ") failed"
                                + (failed.retriable() ? " after " + attempt + " attempts" : "") + ": " + failed.reason();
                        deadLetter(out, run.input, step.spec().id(), reason);
                    }
                } else if (outcome instanceof StepOutcome.Review review) {
                    review.calls().forEach(call -> observer.modelCall(workflow.name(), step.spec().id(), call));
                    run.calls.addAll(review.calls());
                    run.failed = true; // held: it leaves the batch, and no task of it is written
                    out.add(origin(ReviewRecords.review(reviewTopic, workflow.name(), step.spec().id(), step.spec().type(), run.input,
                            run.event, Map.copyOf(run.steps), review), run.input));
                    count("reviews");
                }
            }
            observer.step(workflow.name(), step.spec().id(), step.spec().type(), pending.size(), nanos,
                    completedCount, failedCount, retry.size());
            pending = retry;
            if (!pending.isEmpty()) {
                pause(Duration.ofMillis(250L << attempt));
            }
        }
    }

    private List<StepOutcome> runSafely(CompiledStep step, List<Run> runs) {
        List<StepInvocation> invocations = runs.stream().map(run -> (StepInvocation) run.invocation(step.spec().id())).toList();
        try {
            List<StepOutcome> outcomes = step.step().run(invocations);
            if (outcomes.size() != invocations.size()) {
                throw new IllegalStateException("Step returned " + outcomes.size() + " outcomes for " + invocations.size() + " events");
            }
            return outcomes;
        } catch (RuntimeException e) {
            // A step that throws is a bug or an outage we cannot classify; treat it as retriable so nothing is lost.
            StepOutcome failed = StepOutcome.Failed.retriable(e.getClass().getSimpleName() + ": " + e.getMessage());
            return Collections.nCopies(invocations.size(), failed);
        }
    }

    private int stepIndex(String stepId) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).spec().id().equals(stepId)) {
                return i;
            }
        }
        return -1;
    }

    private static List<ModelCall> calls(StepOutcome outcome) {
        if (outcome instanceof StepOutcome.Completed completed) {
            return completed.calls();
        }
        if (outcome instanceof StepOutcome.Failed failed) {
            return failed.calls();
        }
        return outcome instanceof StepOutcome.Review review ? review.calls() : List.of();
    }

    private ProducerRecord<byte[], byte[]> origin(ProducerRecord<byte[], byte[]> output, InputRecord input) {
        origins.put(output, input);
        return output;
    }

    /**
     * What to write instead of an output of the last batch that Kafka refused for good (larger than its
     * topic accepts): the dead letter of the event it came from, saying why. For {@link OutputWriter}.
     */
    public ProducerRecord<byte[], byte[]> refused(ProducerRecord<byte[], byte[]> output, String why) {
        InputRecord input = origins.get(output);
        if (input == null) {
            return null;
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(1);
        String step = DeadLetters.header(output.headers(), "switchboard.step");
        deadLetter(out, input, step, "Output for topic " + output.topic() + " refused: " + why
                + ". Make the task smaller (templates that copy large fields) or raise the topic's max.message.bytes");
        observer.batch(workflow.name(), 0, 0, 0, 1, 0);
        return out.get(0);
    }

    private void deadLetter(List<ProducerRecord<byte[], byte[]>> out, InputRecord input, String step, String reason) {
        out.add(DeadLetters.record(deadLetterTopic, input, "workflow:" + workflow.name(), step, reason));
        count("dead_letters");
        if (LOG.isWarnEnabled()) {
            // The reason may quote a model's answer, which may quote the event: log only what precedes the quote.
            int quote = reason.indexOf(". The model said:");
            String summary = quote < 0 ? reason : reason.substring(0, quote);
            try (var w = org.slf4j.MDC.putCloseable("workflow", workflow.name());
                 var s = org.slf4j.MDC.putCloseable("step", step == null ? "" : step);
                 var t = org.slf4j.MDC.putCloseable("trace_id", traceId(input));
                 var o = org.slf4j.MDC.putCloseable("source", input.topic() + "/" + input.partition() + "/" + input.offset())) {
                LOG.warn("Dead-lettered: {}", summary.length() > 300 ? summary.substring(0, 300) + "…" : summary);
            }
        }
    }

    private static String traceId(InputRecord input) {
        String traceparent = Tracing.header(input.headers());
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : "";
    }

    private ProducerRecord<byte[], byte[]> taskRecord(Task task) {
        try {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(tasksTopic, null,
                    task.id().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(task));
            record.headers().add("switchboard.workflow", workflow.name().getBytes(StandardCharsets.UTF_8));
            record.headers().add("switchboard.event.id", task.eventId().getBytes(StandardCharsets.UTF_8));
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A task could not be written as JSON", e);
        }
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // backoff between attempts against a failing model, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (CompiledStep step : steps) {
            try {
                step.step().close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }

    /** One event going through the workflow. */
    private final class Run {
        final InputRecord input;
        final String eventId;
        final String eventType;
        final Map<String, Object> event;
        final Map<String, Object> steps = new LinkedHashMap<>();
        final List<ModelCall> calls = new ArrayList<>();
        final List<Task> tasks = new ArrayList<>();
        boolean failed;
        /** For an event resumed after review: the index of the reviewed step; steps up to it do not run again. */
        int resumeAfter = -1;
        io.opentelemetry.api.trace.Span span;
        io.opentelemetry.context.Context trace;

        Run(InputRecord input, String eventId, String eventType, Map<String, Object> event) {
            this.input = input;
            this.eventId = eventId;
            this.eventType = eventType;
            this.event = event;
        }

        Map<String, Object> variables() {
            return Map.of("event", event, "steps", Collections.unmodifiableMap(steps));
        }

        StepInvocation invocation(String stepId) {
            Map<String, Object> root = variables();
            List<ModelCall> callsSoFar = List.copyOf(calls);
            return new StepInvocation() {
                @Override
                public String workflow() {
                    return workflow.name();
                }

                @Override
                public String stepId() {
                    return stepId;
                }

                @Override
                public String eventId() {
                    return eventId;
                }

                @Override
                public String eventType() {
                    return eventType;
                }

                @Override
                public Map<String, Object> event() {
                    return event;
                }

                @Override
                public String render(String template) {
                    return templates.computeIfAbsent(template, Template::parse).render(root);
                }

                @Override
                public List<ModelCall> calls() {
                    return callsSoFar;
                }

                @Override
                public Object read(String path) {
                    return Template.read(root, Template.path(path));
                }
            };
        }
    }
}
