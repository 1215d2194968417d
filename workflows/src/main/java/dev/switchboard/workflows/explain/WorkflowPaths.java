package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.streams.StreamsStages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One workflow's part of an {@link Explanation}: its records of the event, and what its trigger, filter and conditions say of it. */
final class WorkflowPaths {

    private static final int MAX_REASON = 300;

    private final Workflow workflow;
    private final Map<String, Object> event;
    private final boolean onItsTopic;
    private final Instant since;
    private final Map<String, JsonNode> traces = new LinkedHashMap<>();
    private final Map<String, List<Explanation.ModelCallRecord>> calls = new LinkedHashMap<>();
    private final List<JsonNode> tasks = new ArrayList<>();
    private final List<Explanation.TaskPath> taskPaths = new ArrayList<>();
    private final List<Explanation.ReviewPath> reviews = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> claimed = new ArrayList<>();
    private String traceId;

    /**
     * @param event      the event as published, or null when it was not found
     * @param eventTopic the topic it was found on, or null
     */
    WorkflowPaths(Workflow workflow, EventRecords records, Map<String, Object> event, String eventTopic, Instant since) {
        this.workflow = workflow;
        this.event = event;
        this.onItsTopic = event != null && workflow.on().topic().equals(eventTopic);
        this.since = since;
        String name = workflow.name();
        for (ConsumerRecord<byte[], byte[]> record : records.trace) {
            JsonNode trace = EventRecords.json(record.value());
            if (trace != null && name.equals(trace.path("workflow").asText())) {
                traces.put(trace.path("step").asText(), trace); // a replayed batch traces again: the last record counts
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : records.audit) {
            JsonNode call = EventRecords.json(record.value());
            if (call != null && name.equals(call.path("workflow").asText())) {
                calls.computeIfAbsent(call.path("step").asText(), step -> new ArrayList<>()).add(new Explanation.ModelCallRecord(
                        call.path("provider").asText(null), call.path("model").asText(null), call.path("outcome").asText(null),
                        call.path("tokens_in").asLong(), call.path("tokens_out").asLong(), call.path("latency_ms").asDouble(),
                        call.path("cost_usd").asDouble(), call.path("cache_hit").asBoolean(), call.path("time").asText(null),
                        call.path("prompt_id").asText(null), call.path("prompt_version").asText(null)));
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : records.tasks) {
            JsonNode task = EventRecords.json(record.value());
            if (task != null && name.equals(task.path("workflow").asText())) {
                tasks.add(task);
                taskPaths.add(taskPath(task, records));
                traceId = traceId == null ? EventRecords.traceId(record) : traceId;
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : records.reviews) {
            JsonNode review = EventRecords.json(record.value());
            if (review != null && name.equals(review.path("workflow").asText())) {
                boolean pending = "pending".equals(review.path("status").asText());
                reviews.add(new Explanation.ReviewPath(review.path("review_id").asText(null), review.path("step").asText(null),
                        review.path("status").asText(null), review.path(pending ? "reason" : "note").asText(null),
                        review.path(pending ? "held_at" : "decided_at").asText(null), review.path("decided_by").asText(null)));
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : records.deadLetters) {
            if (("workflow:" + name).equals(EventRecords.header(record, DeadLetters.STAGE))) {
                deadLetters.add(record);
                claimed.add(record);
            }
        }
    }

    /** Whether the event concerns this workflow: published on its topic, or recorded by it. */
    boolean concerned() {
        return onItsTopic || recorded();
    }

    /** The dead letters this workflow or its tasks account for. */
    List<ConsumerRecord<byte[], byte[]>> claimedDeadLetters() {
        return claimed;
    }

    Explanation.WorkflowPath build() {
        String trigger = trigger();
        boolean taken = onItsTopic && trigger.startsWith("takes");
        String filter = taken ? filter() : null;
        boolean passed = taken && (filter == null || filter.endsWith("true"));
        // an event dead-lettered before any step (unparsable, its filter failed) has no steps to show
        List<Explanation.StepPath> steps = !traces.isEmpty() || !calls.isEmpty() || passed && deadLetters.isEmpty() ? steps() : List.of();
        return new Explanation.WorkflowPath(workflow.name(), workflow.on().topic(), outcome(trigger, taken, filter, steps), trigger, filter,
                steps, taskPaths, reviews, deadLetters.stream().map(EventExplainer::deadLetter).toList(), recorded(), traceId());
    }

    /** The trace id its tasks carry, else the one of its dead letters (an event that made no task). */
    private String traceId() {
        return traceId != null ? traceId
                : deadLetters.stream().map(EventRecords::traceId).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private boolean recorded() {
        return !traces.isEmpty() || !calls.isEmpty() || !tasks.isEmpty() || !reviews.isEmpty() || !deadLetters.isEmpty();
    }

    private String trigger() {
        if (event == null) {
            return "the event was not found on " + workflow.on().topic() + " since " + since;
        }
        if (!onItsTopic) {
            return "the event was published on another topic than " + workflow.on().topic();
        }
        if (StreamsStages.derived(workflow)) {
            return "takes its events from its " + (workflow.on().window() != null ? "window" : "schedule")
                    + " stage, which counts this event among others";
        }
        String type = String.valueOf(event.get("type"));
        return workflow.on().types().contains(type) ? "takes type '" + type + "'"
                : "does not take type '" + type + "': on.types is " + workflow.on().types();
    }

    /** {@code on.filter} and its value for the event, now; null when the workflow has none. */
    private String filter() {
        String source = workflow.on().filter();
        if (source == null || StreamsStages.derived(workflow)) {
            return null;
        }
        return source + " is " + evaluate(source, Map.of());
    }

    private List<Explanation.StepPath> steps() {
        List<Explanation.StepPath> steps = new ArrayList<>();
        Map<String, Object> outputs = new LinkedHashMap<>();
        boolean ended = false;
        for (StepSpec spec : workflow.steps()) {
            JsonNode trace = traces.get(spec.id());
            List<Explanation.ModelCallRecord> made = calls.getOrDefault(spec.id(), List.of());
            if (trace != null) {
                String status = trace.path("outcome").asText();
                Object output = trace.has("output") ? JsonValues.toJava(trace.get("output"))
                        : trace.has("output_bytes") ? "(" + trace.path("output_bytes").asInt() + " bytes, not traced)" : null;
                if (trace.path("output").isObject()) {
                    outputs.put(spec.id(), JsonValues.toMap(trace.get("output")));
                }
                ended = !status.equals("completed");
                steps.add(new Explanation.StepPath(spec.id(), spec.type(), status, output, trace.path("reason").asText(null), made));
            } else if (ended) {
                steps.add(new Explanation.StepPath(spec.id(), spec.type(), "not reached", null, null, made));
            } else if (spec.when() != null && event != null) {
                String when = evaluate(spec.when(), outputs);
                boolean skipped = when.equals("false");
                steps.add(new Explanation.StepPath(spec.id(), spec.type(), skipped ? "not run" : "no record", null,
                        "when: " + spec.when() + " is " + when, made));
            } else {
                steps.add(new Explanation.StepPath(spec.id(), spec.type(), "no record", null, null, made));
            }
        }
        return steps;
    }

    private String outcome(String trigger, boolean taken, String filter, List<Explanation.StepPath> steps) {
        if (!deadLetters.isEmpty()) {
            return "dead-lettered: " + abbreviate(EventRecords.header(deadLetters.get(deadLetters.size() - 1), DeadLetters.REASON));
        }
        if (!reviews.isEmpty()) {
            Explanation.ReviewPath last = reviews.get(reviews.size() - 1);
            if (last.status().equals("pending")) {
                return "held for review (" + last.reviewId() + ") at step " + last.step();
            }
            if (last.status().equals("rejected")) {
                return "rejected in review (" + last.reviewId() + ")";
            }
        }
        if (!taskPaths.isEmpty()) {
            return taskOutcome();
        }
        if (!recorded()) {
            if (onItsTopic && !taken) {
                return "not taken: the workflow " + trigger;
            }
            if (filter != null && !filter.endsWith("true")) {
                return "skipped: on.filter " + filter.substring(workflow.on().filter().length() + 1);
            }
            return "no record of this workflow processing it since " + since + " (not consumed yet, or before --since)";
        }
        for (Explanation.StepPath step : steps) {
            if (step.status().equals("failed") || step.status().equals("review")) {
                return step.status().equals("failed") ? "failed at step " + step.step() + ": " + abbreviate(step.reason())
                        : "held for review at step " + step.step() + ": " + abbreviate(step.reason());
            }
        }
        List<String> notRun = steps.stream().filter(step -> step.status().equals("not run"))
                .map(step -> step.step() + " (" + step.reason() + ")").toList();
        return notRun.isEmpty() ? "done, no task" : "done, no task: not run: " + String.join("; ", notRun);
    }

    private String taskOutcome() {
        int delivered = 0;
        int failed = 0;
        for (Explanation.TaskPath task : taskPaths) {
            boolean ok = task.receipts().stream().anyMatch(receipt -> "delivered".equals(receipt.outcome()));
            delivered += ok ? 1 : 0;
            failed += !ok && (!task.deadLetters().isEmpty() || !task.receipts().isEmpty()) ? 1 : 0;
        }
        int waiting = taskPaths.size() - delivered - failed;
        List<String> parts = new ArrayList<>();
        if (delivered > 0) {
            parts.add(delivered + " delivered");
        }
        if (failed > 0) {
            parts.add(failed + " dead-lettered by delivery");
        }
        if (waiting > 0) {
            parts.add(waiting + " not delivered yet");
        }
        return taskPaths.size() + (taskPaths.size() == 1 ? " task: " : " tasks: ") + String.join(", ", parts);
    }

    private Explanation.TaskPath taskPath(JsonNode task, EventRecords records) {
        String id = task.path("id").asText();
        List<Explanation.Receipt> receipts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records.receipts) {
            JsonNode receipt = EventRecords.json(record.value());
            if (receipt != null && id.equals(receipt.path("task_id").asText())) {
                receipts.add(new Explanation.Receipt(receipt.path("outcome").asText(null), receipt.path("attempts").asInt(),
                        receipt.path("detail").asText(null), receipt.path("time").asText(null)));
            }
        }
        List<Explanation.DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records.deadLetters) {
            if (id.equals(EventRecords.text(record.key())) && "delivery".equals(EventRecords.header(record, DeadLetters.STAGE))) {
                letters.add(EventExplainer.deadLetter(record));
                claimed.add(record);
            }
        }
        return new Explanation.TaskPath(id, task.path("step").asText(null), task.path("sink").asText(null), task.path("title").asText(null),
                receipts, letters);
    }

    /** A condition's value now: {@code true}, {@code false} or {@code an error (...)}. */
    private String evaluate(String source, Map<String, Object> steps) {
        try {
            return String.valueOf(new Cel().compile(source).test(Map.of("event", event, "steps", steps)));
        } catch (RuntimeException e) {
            return "an error (" + abbreviate(e.getMessage()) + ")";
        }
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "…" : text;
    }
}
