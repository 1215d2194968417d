package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What happened to one event, read back from the topics: where it was published, and per workflow
 * that reads its topic, the path it took. Its JSON (snake case) is what the admin API answers.
 *
 * @param eventId   the event asked about
 * @param since     the start of the stretch of each topic that was read
 * @param scanned   records read to find it, across topics
 * @param records   the event's own records, as published (once per source that used its id)
 * @param workflows one path per workflow that reads a topic the event was found on, or that left a record of it
 * @param deadLetters dead letters of the event no workflow or task claims (a source's, say)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Explanation(String eventId, String since, long scanned, List<Published> records, List<WorkflowPath> workflows,
                          List<DeadLetter> deadLetters) {

    /** Whether anything at all was found. */
    public boolean found() {
        return !records.isEmpty() || workflows.stream().anyMatch(WorkflowPath::recorded) || !deadLetters.isEmpty();
    }

    /**
     * A record of the event itself; {@code kind} is {@code event}. A person's decision on it shows on its review
     * ({@link ReviewPath}): decisions travel on the decisions topic, keyed by review id, not as events.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Published(String kind, String topic, int partition, long offset, String time, String type, String source,
                            String subject, String key) {
    }

    /**
     * The event's path through one workflow.
     *
     * @param outcome  one line: skipped (and why), dead-lettered, held for review, tasks delivered, ...
     * @param trigger  whether the workflow takes the event's type
     * @param filter   {@code on.filter} and what it gives for the event, evaluated now on the workflow as loaded
     * @param recorded whether the workflow left any record of the event
     * @param traceId  the W3C trace id the workflow ran the event under, from the {@code traceparent} header of its
     *                 tasks or dead letters; null when none carried one
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record WorkflowPath(String workflow, String topic, String outcome, String trigger, String filter, List<StepPath> steps,
                               List<TaskPath> tasks, List<ReviewPath> reviews, List<DeadLetter> deadLetters, boolean recorded,
                               String traceId) {
    }

    /**
     * One step: {@code status} is {@code completed}, {@code review}, {@code failed}, {@code not run} (its
     * {@code when} is false), {@code not reached} (an earlier step ended the event) or {@code no record}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record StepPath(String step, String type, String status, Object output, String reason, List<ModelCallRecord> calls) {
    }

    /**
     * One model call from the audit topic.
     *
     * @param promptId      which prompt (step type and id, e.g. {@code classify/triage}); null when the call did not say
     * @param promptVersion the content hash of the prompt the call was made with; null when the call did not say
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelCallRecord(String provider, String model, String outcome, long tokensIn, long tokensOut, double latencyMs,
                                  double costUsd, boolean cacheHit, String time, String promptId, String promptVersion) {
    }

    /** A task of the event, with its delivery receipts and dead letters. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record TaskPath(String taskId, String step, String sink, String title, List<Receipt> receipts, List<DeadLetter> deadLetters) {
    }

    /** A delivery receipt: {@code outcome} is {@code delivered} or {@code dead_lettered}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Receipt(String outcome, int attempts, String detail, String time) {
    }

    /** A review: held ({@code pending}), then {@code approved} or {@code rejected}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReviewPath(String reviewId, String step, String status, String reason, String time, String decidedBy) {
    }

    /** A dead letter: the stage that wrote it ({@code workflow:<name>}, {@code delivery}), the step, the reason, where it is. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadLetter(String stage, String step, String reason, String time, String topic, int partition, long offset) {
    }
}
