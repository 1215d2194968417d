package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.PromptedStep;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.prompts.RecordedPrompt;
import dev.switchboard.workflows.runtime.StepListener.EventEnd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one workflow over a batch of records and returns what must be written before the batch's
 * offsets are committed: tasks for the outbox, dead letters and held events. Kafka-free and
 * Camel-free, so it is tested directly; {@link WorkflowRoute} feeds it events from Kafka, and
 * {@link DecisionRoute} the decisions people took on the events it held for review.
 *
 * <p>Events move through the steps together, so a step can batch its model calls. An event leaves
 * the batch when a filter or condition is false (skipped), when it fails (dead-lettered) or when a
 * step holds it for review. A failure is the event's own: a step that throws over a batch runs again
 * in halves until the events that make it throw stand alone, and only they fail. Retriable failures
 * are tried again by the step {@link RetryPolicy}, as long as the batch's {@link WaitBudget} allows
 * the wait. Tracing, metrics and audit are {@link StepListener}s around each step; this class knows
 * none of them.
 */
public final class WorkflowRunner implements AutoCloseable {

    /** Retriable step failures (a model endpoint down): four attempts, waits from about 0.5 s, doubling. */
    static final RetryPolicy STEP_RETRIES = RetryPolicy.of(4, Duration.ofMillis(500), Duration.ofSeconds(4));
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunner.class);

    private final Workflow workflow;
    private final EventParser parser = new EventParser();
    private final Topics topics;
    private final Set<String> types;
    private final Cel.Condition filter;
    private final List<CompiledStep> steps = new ArrayList<>();
    private final EventFates fates;
    private final Retries retries;
    private final StepInvoker invoker;
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

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
        this.fates = new EventFates(workflow.name(), topics, listeners);
        this.invoker = new StepInvoker(workflow.name(), fates);
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

    /** The prompt versions this workflow's model steps send. */
    public List<RecordedPrompt> prompts() {
        List<RecordedPrompt> prompts = new ArrayList<>();
        for (CompiledStep step : steps) {
            if (step.step() instanceof PromptedStep prompted) {
                prompted.prompts().forEach(prompt -> prompts.add(RecordedPrompt.of(workflow.name(), prompt)));
            }
        }
        return prompts;
    }

    public Workflow workflow() {
        return workflow;
    }

    /** Counts by outcome: events, skipped, tasks, dead_letters, reviews, reviews_approved, reviews_rejected, decisions_refused. */
    public Map<String, Long> counters() {
        return fates.counters();
    }

    /** The records to write for this batch; never throws for a bad event. */
    public List<ProducerRecord<byte[], byte[]>> process(List<InputRecord> batch) {
        return run(batch).records();
    }

    /** The outputs of this batch of events, each with the event it came from; never throws for a bad event. */
    public synchronized Outputs run(List<InputRecord> batch) {
        Outputs out = new Outputs();
        Map<String, Long> before = fates.counters();
        runSteps(admit(batch, out), out);
        // Counted when the batch is done, so "events" means "processed", not "seen".
        fates.count("events", batch.size());
        afterBatch(batch.size(), before);
        return out;
    }

    /**
     * The outputs of a batch of the decisions topic: each decision for this workflow is checked against
     * the review it held ({@code ledger}, caught up by the caller). One for a review this workflow holds,
     * still pending, is taken once: the review is marked decided and, approved, its event resumes after
     * the reviewed step, with the event and earlier outputs the review kept and the decision in its
     * lineage. Any other decision is refused and logged; nothing in a decision stands in for an event.
     */
    public synchronized Outputs decide(List<InputRecord> decisions, ReviewLedger ledger) {
        Outputs out = new Outputs();
        Map<String, Long> before = fates.counters();
        List<RunState> resumed = new ArrayList<>();
        Set<String> decidedNow = new HashSet<>();
        for (InputRecord input : decisions) {
            ReviewDecision decision = ReviewDecision.parse(input.value()).orElse(null);
            if (decision == null || !decision.workflow().equals(workflow.name())) {
                continue; // another workflow's, or no decision at all (every workflow reads the topic)
            }
            HeldReview held = ledger.latest(decision.reviewId()).map(HeldReview::new).orElse(null);
            String refusal = held == null ? "no workflow holds review " + decision.reviewId()
                    : held.refusal(workflow.name(), decision, decidedNow.contains(decision.reviewId()));
            if (refusal != null) {
                fates.count("decisions_refused");
                LOG.warn("Review decision refused: {} (decision by '{}' at {}/{}/{})", refusal, decision.decidedBy(), input.topic(),
                        input.partition(), input.offset());
                continue;
            }
            decidedNow.add(decision.reviewId());
            LOG.info("Review {} {} by '{}'{} in workflow {}", decision.reviewId(), decision.approved() ? "approved" : "rejected",
                    decision.decidedBy(), decision.onBehalfOf() == null ? "" : " on behalf of '" + decision.onBehalfOf() + "'", workflow.name());
            out.add(ReviewRecords.decided(topics.review(), held.record(), decision), null);
            String outcome = !decision.approved() ? "rejected" : decision.value().isEmpty() ? "approved_unchanged" : "corrected";
            fates.notify(listener -> listener.reviewDecided(workflow.name(), held.step(), held.model(), outcome));
            if (!decision.approved()) {
                fates.count("reviews_rejected");
                continue;
            }
            RunState state = resume(held, decision, input, out);
            if (state != null) {
                resumed.add(state);
            }
        }
        runSteps(resumed, out);
        afterBatch(resumed.size(), before);
        return out;
    }

    /** The held event, to go on after the reviewed step with the person's value; null when that step is gone (then dead-lettered). */
    private RunState resume(HeldReview held, ReviewDecision decision, InputRecord input, Outputs out) {
        Map<String, Object> event = held.event();
        InputRecord original = held.original(input.headers());
        int index = stepIndex(held.step());
        if (index < 0) {
            fates.deadLetter(out, original, held.step(), "Review " + decision.reviewId() + " was approved by '" + decision.decidedBy()
                    + "', but workflow '" + workflow.name() + "' has no step '" + held.step() + "' any more. Re-drive this dead letter"
                    + " to run the event from the start");
            return null;
        }
        EventRun run = new EventRun(workflow.name(), original, String.valueOf(event.get("id")), String.valueOf(event.get("type")), event);
        RunState state = new RunState(run, templates);
        state.resume(index, held.step(), held.steps(), decision.value());
        state.called(List.of(held.lineage(decision)));
        fates.count("reviews_approved");
        fates.notify(listener -> listener.eventStarted(run));
        return state;
    }

    private void runSteps(List<RunState> alive, Outputs out) {
        WaitBudget budget = retries.startBatch();
        for (int index = 0; index < steps.size(); index++) {
            runStep(steps.get(index), select(index, alive, out), out, budget);
        }
        for (RunState state : alive) {
            finish(state, out);
        }
    }

    private void afterBatch(int events, Map<String, Long> before) {
        BatchCounts counts = new BatchCounts(events, fates.delta(before, "skipped"), fates.delta(before, "tasks"),
                fates.delta(before, "dead_letters"), fates.delta(before, "reviews"));
        fates.notify(listener -> listener.afterBatch(workflow.name(), counts));
    }

    /**
     * The events of the batch that go on to the steps: parsed, of a type the workflow takes, through its
     * filter. An event of type {@code switchboard.review.decided} is an event like any other: decisions
     * come only from the decisions topic ({@link #decide}).
     */
    private List<RunState> admit(List<InputRecord> batch, Outputs out) {
        List<RunState> alive = new ArrayList<>();
        for (InputRecord input : batch) {
            EventParser.Result parsed = parser.parse(input.value(), input.cloudEventHeaders());
            if (parsed instanceof EventParser.Rejected rejected) {
                fates.deadLetter(out, input, null, rejected.reason());
                continue;
            }
            EventParser.Accepted event = (EventParser.Accepted) parsed;
            if (!types.contains(event.type())) {
                fates.count("skipped");
                continue;
            }
            EventRun run = new EventRun(workflow.name(), input, event.id(), event.type(), JsonValues.toMap(event.event()));
            RunState state = new RunState(run, templates);
            fates.notify(listener -> listener.eventStarted(run));
            if (filter != null) {
                try {
                    if (!filter.test(state.variables())) {
                        fates.count("skipped");
                        fates.notify(listener -> listener.eventEnded(run, EventEnd.SKIPPED, List.of()));
                        continue;
                    }
                } catch (Cel.ConditionException e) {
                    fates.deadLetter(out, input, null, "on.filter: " + e.getMessage());
                    fates.notify(listener -> listener.eventEnded(run, EventEnd.FAILED, List.of()));
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
                fates.deadLetter(out, state.run().input(), step.spec().id(), "steps." + step.spec().id() + ".when: " + e.getMessage());
            }
        }
        return selected;
    }

    private void runStep(CompiledStep step, List<RunState> selected, Outputs out, WaitBudget budget) {
        List<RunState> pending = selected;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            StepAttempt call = new StepAttempt(workflow.name(), step.spec(), attempt, pending.stream().map(RunState::run).toList(), System.nanoTime());
            fates.notify(listener -> listener.beforeStep(call));
            List<StepOutcome> outcomes = invoker.invoke(step.spec(), step.step(), pending, call);
            Duration wait = retries.policy().delay(attempt, null);
            boolean attemptsLeft = retries.policy().retriesAfter(attempt);
            boolean timeLeft = budget.allows(wait);
            List<StepResult> results = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                StepOutcome outcome = outcomes.get(i);
                boolean retried = outcome instanceof StepOutcome.Failed failed && failed.retriable() && attemptsLeft && timeLeft;
                results.add(new StepResult(pending.get(i).run(), outcome, retried));
            }
            fates.notify(listener -> listener.afterStep(call, results, out));
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
            fates.deadLetter(out, run.input(), spec.id(), "Step '" + spec.id() + "' (" + spec.type() + ") failed for " + StepInvoker.describe(run) + tries
                    + ": " + failed.reason());
        } else if (result.outcome() instanceof StepOutcome.Review review) {
            state.end(EventEnd.REVIEW); // held: it leaves the batch, and no task of it is written
            out.add(ReviewRecords.review(topics.review(), workflow.name(), spec.id(), spec.type(), run.input(), run.event(),
                    Map.copyOf(state.steps()), review), run.input());
            fates.count("reviews");
        }
    }

    private void finish(RunState state, Outputs out) {
        EventRun run = state.run();
        if (state.ended()) {
            fates.notify(listener -> listener.eventEnded(run, state.end(), List.of()));
            return;
        }
        List<ProducerRecord<byte[], byte[]>> tasks = state.tasks().stream().map(fates::taskRecord).toList();
        fates.notify(listener -> listener.eventEnded(run, EventEnd.DONE, tasks));
        tasks.forEach(task -> {
            out.add(task, run.input());
            fates.count("tasks");
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
     * What to write instead of an output of {@code out} that Kafka refuses for good (larger than its
     * topic accepts): the dead letter of the event it came from, saying why, and none of that event's
     * other tasks or reviews, so that it goes one way. For {@link OutputWriter}.
     */
    public OutputWriter.Refusals refusals(Outputs out) {
        return (output, why) -> {
            InputRecord input = out.origin(output);
            if (input == null) {
                return OutputWriter.Refusal.NONE;
            }
            Outputs instead = new Outputs();
            fates.deadLetter(instead, input, DeadLetters.header(output.headers(), EventFates.STEP), "Output for topic " + output.topic()
                    + " refused: " + why + ". None of its event's tasks is written: an event goes one way. Make the task smaller"
                    + " (templates that copy large fields) or raise the topic's max.message.bytes");
            fates.notify(listener -> listener.afterBatch(workflow.name(), new BatchCounts(0, 0, 0, 1, 0)));
            return new OutputWriter.Refusal(instead.records().get(0), other -> other != output && out.origin(other) == input
                    && (other.topic().equals(topics.tasks()) || other.topic().equals(topics.review())));
        };
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
