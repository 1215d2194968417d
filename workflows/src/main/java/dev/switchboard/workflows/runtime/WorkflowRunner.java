package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.StepListener.EventEnd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one workflow over a batch of records and returns what must be written before the batch's
 * offsets are committed: tasks for the outbox, dead letters and held events. Kafka-free and
 * Camel-free, so it is tested directly; {@link WorkflowRoute} feeds it from Kafka.
 *
 * <p>Events move through the steps together, so a step can batch its model calls. An event leaves
 * the batch when a filter or condition is false (skipped), when it fails (dead-lettered) or when a
 * step holds it for review. Retriable failures are tried again by the step {@link RetryPolicy}, as
 * long as the batch's {@link WaitBudget} allows the wait. Tracing, metrics and audit are
 * {@link StepListener}s around each step; this class knows none of them.
 */
public final class WorkflowRunner implements AutoCloseable {

    /** Retriable step failures (a model endpoint down): four attempts, waits from about 0.5 s, doubling. */
    static final RetryPolicy STEP_RETRIES = RetryPolicy.of(4, Duration.ofMillis(500), Duration.ofSeconds(4));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunner.class);

    private final Workflow workflow;
    private final EventParser parser = new EventParser();
    private final Topics topics;
    private final Set<String> types;
    private final Cel.Condition filter;
    private final List<CompiledStep> steps = new ArrayList<>();
    private final List<StepListener> listeners;
    private final Retries retries;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();
    /** The outputs of the last batch, to dead-letter the event of one that Kafka refuses. */
    private volatile Outputs lastBatch = new Outputs();

    private record CompiledStep(StepSpec spec, Cel.Condition when, Step step) {
    }

    /**
     * @param environment where the workflow's steps are created
     * @param topics      where tasks, dead letters and held events go (its tasks, dead_letter and review topics)
     * @param listeners   told around each step, in this order
     */
    public WorkflowRunner(Workflow workflow, StepEnvironment environment, Topics topics, Retries retries, List<StepListener> listeners) {
        this.workflow = workflow;
        this.topics = topics;
        this.retries = retries;
        this.listeners = List.copyOf(listeners);
        this.types = Set.copyOf(workflow.on().types());
        Cel cel = new Cel();
        this.filter = workflow.on().filter() == null ? null : cel.compile(workflow.on().filter());
        for (StepSpec spec : workflow.steps()) {
            steps.add(new CompiledStep(spec, spec.when() == null ? null : cel.compile(spec.when()),
                    spec.factory().create(spec.id(), spec.options(), environment)));
        }
    }

    /** Retriable step failures by {@link #STEP_RETRIES}, within the batch's wait limit. */
    public static Retries stepRetries(Duration batchWaitLimit) {
        return new Retries(STEP_RETRIES, batchWaitLimit, WaitBudget.Timer.SYSTEM);
    }

    public Workflow workflow() {
        return workflow;
    }

    /** Counts by outcome: events, skipped, tasks, dead_letters, reviews, reviews_approved, reviews_rejected. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    /** The records to write for this batch; never throws for a bad event. */
    public List<ProducerRecord<byte[], byte[]>> process(List<InputRecord> batch) {
        Outputs out = new Outputs();
        lastBatch = out;
        Map<String, Long> before = Map.copyOf(counters);
        WaitBudget budget = retries.startBatch();
        List<RunState> alive = admit(batch, out);
        for (int index = 0; index < steps.size(); index++) {
            runStep(steps.get(index), select(index, alive, out), out, budget);
        }
        for (RunState state : alive) {
            finish(state, out);
        }
        // Counted when the batch is done, so "events" means "processed", not "seen".
        counters.merge("events", (long) batch.size(), Long::sum);
        BatchCounts counts = new BatchCounts(batch.size(), delta(before, "skipped"), delta(before, "tasks"),
                delta(before, "dead_letters"), delta(before, "reviews"));
        notify(listener -> listener.afterBatch(workflow.name(), counts));
        return out.records();
    }

    /** The events of the batch that go on to the steps: parsed, of a type the workflow takes, through its filter. */
    private List<RunState> admit(List<InputRecord> batch, Outputs out) {
        List<RunState> alive = new ArrayList<>();
        for (InputRecord input : batch) {
            EventParser.Result parsed = parser.parse(input.value(), input.cloudEventHeaders());
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
            EventRun run = decision == null
                    ? new EventRun(workflow.name(), input, event.id(), event.type(), JsonValues.toMap(event.event()))
                    : new EventRun(workflow.name(), input, decision.eventId(), decision.eventType(), decision.event());
            RunState state = new RunState(run, templates);
            if (decision != null) {
                state.resume(stepIndex(decision.step()), decision.step(), decision.steps(), decision.value());
                count("reviews_approved");
            }
            notify(listener -> listener.eventStarted(run));
            if (filter != null && decision == null) {
                try {
                    if (!filter.test(state.variables())) {
                        count("skipped");
                        notify(listener -> listener.eventEnded(run, EventEnd.SKIPPED, List.of()));
                        continue;
                    }
                } catch (Cel.ConditionException e) {
                    deadLetter(out, input, null, "on.filter: " + e.getMessage());
                    notify(listener -> listener.eventEnded(run, EventEnd.FAILED, List.of()));
                    continue;
                }
            }
            alive.add(state);
        }
        return alive;
    }

    /** The events the step at {@code index} runs for: still going, not past it already, and its {@code when} holds. */
    private List<RunState> select(int index, List<RunState> alive, Outputs out) {
        CompiledStep step = steps.get(index);
        List<RunState> selected = new ArrayList<>();
        for (RunState state : alive) {
            if (state.ended() || index <= state.resumeAfter()) {
                continue;
            }
            try {
                if (step.when() == null || step.when().test(state.variables())) {
                    selected.add(state);
                }
            } catch (Cel.ConditionException e) {
                state.end(EventEnd.FAILED);
                deadLetter(out, state.run().input(), step.spec().id(), "steps." + step.spec().id() + ".when: " + e.getMessage());
            }
        }
        return selected;
    }

    private void runStep(CompiledStep step, List<RunState> selected, Outputs out, WaitBudget budget) {
        List<RunState> pending = selected;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            StepAttempt call = new StepAttempt(workflow.name(), step.spec(), attempt, pending.stream().map(RunState::run).toList(), System.nanoTime());
            notify(listener -> listener.beforeStep(call));
            List<StepOutcome> outcomes = invoke(step, pending, call);
            Duration wait = retries.policy().delay(attempt, null);
            boolean attemptsLeft = retries.policy().retriesAfter(attempt);
            boolean timeLeft = budget.allows(wait);
            List<StepResult> results = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                StepOutcome outcome = outcomes.get(i);
                boolean retried = outcome instanceof StepOutcome.Failed failed && failed.retriable() && attemptsLeft && timeLeft;
                results.add(new StepResult(pending.get(i).run(), outcome, retried));
            }
            notify(listener -> listener.afterStep(call, results, out));
            List<RunState> retry = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                if (results.get(i).retried()) {
                    retry.add(pending.get(i));
                } else {
                    settle(step.spec(), pending.get(i), results.get(i), attempt, attemptsLeft, out);
                }
            }
            pending = retry;
            if (!pending.isEmpty()) {
                budget.await(wait);
            }
        }
    }

    /** Runs the step; a step that throws is a bug or an outage nobody classified: retriable, so nothing is lost. */
    private List<StepOutcome> invoke(CompiledStep step, List<RunState> pending, StepAttempt call) {
        List<StepInvocation> invocations = pending.stream().map(state -> state.invocation(step.spec().id())).toList();
        try {
            List<StepOutcome> outcomes = step.step().run(invocations);
            if (outcomes.size() != invocations.size()) {
                throw new IllegalStateException("Step returned " + outcomes.size() + " outcomes for " + invocations.size() + " events");
            }
            return outcomes;
        } catch (RuntimeException e) {
            notify(listener -> listener.onError(call, e));
            return Collections.nCopies(invocations.size(), StepOutcome.Failed.retriable(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Applies an outcome that is not tried again: the output for later steps, a dead letter, or a held event. */
    private void settle(StepSpec spec, RunState state, StepResult result, int attempt, boolean attemptsLeft, Outputs out) {
        EventRun run = state.run();
        state.called(result.outcome().calls());
        if (result.outcome() instanceof StepOutcome.Completed completed) {
            state.completed(spec.id(), completed.output(), completed.tasks());
        } else if (result.outcome() instanceof StepOutcome.Failed failed) {
            state.end(EventEnd.FAILED);
            String tries = !failed.retriable() ? "" : " after " + attempt + " attempts" + (attemptsLeft
                    ? " (no further attempt: its wait would pass the batch's limit of " + retries.batchWaitLimit().toSeconds() + " s)" : "");
            deadLetter(out, run.input(), spec.id(), "Step '" + spec.id() + "' (" + spec.type() + ") failed" + tries + ": " + failed.reason());
        } else if (result.outcome() instanceof StepOutcome.Review review) {
            state.end(EventEnd.REVIEW); // held: it leaves the batch, and no task of it is written
            out.add(ReviewRecords.review(topics.review(), workflow.name(), spec.id(), spec.type(), run.input(), run.event(),
                    Map.copyOf(state.steps()), review), run.input());
            count("reviews");
        }
    }

    private void finish(RunState state, Outputs out) {
        EventRun run = state.run();
        if (state.ended()) {
            notify(listener -> listener.eventEnded(run, state.end(), List.of()));
            return;
        }
        List<ProducerRecord<byte[], byte[]>> tasks = state.tasks().stream().map(this::taskRecord).toList();
        notify(listener -> listener.eventEnded(run, EventEnd.DONE, tasks));
        tasks.forEach(task -> {
            out.add(task, run.input());
            count("tasks");
        });
    }

    private int stepIndex(String stepId) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).spec().id().equals(stepId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What to write instead of an output of the last batch that Kafka refused for good (larger than its
     * topic accepts): the dead letter of the event it came from, saying why. For {@link OutputWriter}.
     */
    public ProducerRecord<byte[], byte[]> refused(ProducerRecord<byte[], byte[]> output, String why) {
        InputRecord input = lastBatch.origin(output);
        if (input == null) {
            return null;
        }
        Outputs instead = new Outputs();
        deadLetter(instead, input, DeadLetters.header(output.headers(), "switchboard.step"), "Output for topic " + output.topic()
                + " refused: " + why + ". Make the task smaller (templates that copy large fields) or raise the topic's max.message.bytes");
        notify(listener -> listener.afterBatch(workflow.name(), new BatchCounts(0, 0, 0, 1, 0)));
        return instead.records().get(0);
    }

    private void deadLetter(Outputs out, InputRecord input, String step, String reason) {
        out.add(DeadLetters.record(topics.deadLetter(), input, "workflow:" + workflow.name(), step, reason), input);
        count("dead_letters");
        if (LOG.isWarnEnabled()) {
            // The reason may quote a model's answer, which may quote the event: log only what precedes the quote.
            int quote = reason.indexOf(". The model said:");
            String summary = quote < 0 ? reason : reason.substring(0, quote);
            try (var w = MDC.putCloseable("workflow", workflow.name());
                 var s = MDC.putCloseable("step", step == null ? "" : step);
                 var t = MDC.putCloseable("trace_id", input.traceId());
                 var o = MDC.putCloseable("source", input.topic() + "/" + input.partition() + "/" + input.offset())) {
                LOG.warn("Dead-lettered: {}", summary.length() > 300 ? summary.substring(0, 300) + "…" : summary);
            }
        }
    }

    private ProducerRecord<byte[], byte[]> taskRecord(Task task) {
        try {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.tasks(), null,
                    task.id().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(task));
            record.headers().add("switchboard.workflow", workflow.name().getBytes(StandardCharsets.UTF_8));
            record.headers().add("switchboard.event.id", task.eventId().getBytes(StandardCharsets.UTF_8));
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A task could not be written as JSON", e);
        }
    }

    private int delta(Map<String, Long> before, String counter) {
        return (int) (counters.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L));
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    private void notify(Consumer<StepListener> event) {
        listeners.forEach(event);
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
}
