package dev.switchboard.workflows.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the automation did and was worth over a stretch of time, from the records Switchboard wrote: per workflow, per
 * model and per day. Fed one record at a time ({@link #task}, {@link #delivery}, {@link #deadLetter}, {@link #review},
 * {@link #call}); read back as totals.
 *
 * @param minutesSaved  minutes a delivered task saves, by workflow and task step ({@code workflow/step}); absent counts 0
 * @param reviewMinutes minutes of a person's time each review decision takes
 */
public record ValueFigures(Map<String, Double> minutesSaved, double reviewMinutes, Map<String, Workflow> workflows, Map<String, Model> models,
                           Map<LocalDate, Day> days, Map<String, String> taskSteps) {

    /** One workflow's figures. */
    public static final class Workflow {
        public int delivered;
        public int deliveryDeadLetters;
        public int deadLetters;
        public int reviewsHeld;
        public int approvedUnchanged;
        public int corrected;
        public int rejected;
        public int calls;
        public int failedCalls;
        public double costUsd;
        public double minutesSaved;

        /** Review decisions: approved unchanged, corrected or rejected. */
        public int decided() {
            return approvedUnchanged + corrected + rejected;
        }

        /** Share of the workflow's events that ended in a dead letter (its own or a task's), of those that ended. */
        public double errorRate() {
            int ended = delivered + deadLetters + deliveryDeadLetters;
            return ended == 0 ? 0 : (double) (deadLetters + deliveryDeadLetters) / ended;
        }
    }

    /** One model's calls. */
    public static final class Model {
        public int calls;
        public int failed;
        public double costUsd;
    }

    /** One day's tasks, cost and time saved. */
    public static final class Day {
        public int delivered;
        public double costUsd;
        public double minutesSaved;
    }

    public static ValueFigures start(Map<String, Double> minutesSaved, double reviewMinutes) {
        return new ValueFigures(Map.copyOf(minutesSaved), reviewMinutes, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new java.util.HashMap<>());
    }

    /** A task of the tasks topic: which step made it, so its delivery counts that step's minutes. */
    public void task(JsonNode task) {
        taskSteps.put(task.path("id").asText(), task.path("workflow").asText() + "/" + task.path("step").asText());
    }

    /** A delivery receipt: delivered tasks save their step's minutes. */
    public void delivery(JsonNode receipt) {
        Workflow workflow = workflow(receipt.path("workflow").asText());
        if (receipt.path("outcome").asText().equals("delivered")) {
            workflow.delivered++;
            double minutes = minutesSaved.getOrDefault(taskSteps.getOrDefault(receipt.path("task_id").asText(), ""), 0.0);
            workflow.minutesSaved += minutes;
            Day day = day(receipt.path("time").asText());
            day.delivered++;
            day.minutesSaved += minutes;
        } else {
            workflow.deliveryDeadLetters++;
        }
    }

    /** A dead letter of an event (not of a task: those count by their receipt). */
    public void deadLetter(String workflowName) {
        workflow(workflowName).deadLetters++;
    }

    /** A record of the review topic: a held event, or its decision (approved as it was, approved with a corrected value, rejected). */
    public void review(JsonNode review) {
        Workflow workflow = workflow(review.path("workflow").asText());
        switch (review.path("status").asText()) {
            case "pending" -> workflow.reviewsHeld++;
            case "approved" -> {
                if (review.path("value").isObject() && !review.path("value").isEmpty()) {
                    workflow.corrected++;
                } else {
                    workflow.approvedUnchanged++;
                }
                spendReview(workflow, review.path("decided_at").asText());
            }
            case "rejected" -> {
                workflow.rejected++;
                spendReview(workflow, review.path("decided_at").asText());
            }
            default -> { }
        }
    }

    /** An audit record: a model call, its cost and whether it failed. A person's review decision is not a model call. */
    public void call(JsonNode call) {
        if (call.path("provider").asText().equals("review")) {
            return;
        }
        boolean failed = !call.path("outcome").asText().equals("ok");
        double cost = call.path("cost_usd").asDouble();
        Workflow workflow = workflow(call.path("workflow").asText());
        workflow.calls++;
        workflow.failedCalls += failed ? 1 : 0;
        workflow.costUsd += cost;
        Model model = models.computeIfAbsent(call.path("provider").asText() + "/" + call.path("model").asText(), name -> new Model());
        model.calls++;
        model.failed += failed ? 1 : 0;
        model.costUsd += cost;
        day(call.path("time").asText()).costUsd += cost;
    }

    private void spendReview(Workflow workflow, String decidedAt) {
        workflow.minutesSaved -= reviewMinutes;
        day(decidedAt).minutesSaved -= reviewMinutes;
    }

    private Workflow workflow(String name) {
        return workflows.computeIfAbsent(name.isEmpty() ? "(unknown)" : name, key -> new Workflow());
    }

    private Day day(String time) {
        LocalDate date;
        try {
            date = Instant.parse(time).atOffset(ZoneOffset.UTC).toLocalDate();
        } catch (RuntimeException e) {
            date = LocalDate.EPOCH;
        }
        return days.computeIfAbsent(date, key -> new Day());
    }
}
