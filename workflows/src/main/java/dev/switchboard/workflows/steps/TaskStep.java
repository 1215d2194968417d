package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAmount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a task for a configured sink. The task goes to the tasks topic (the outbox) with the
 * event; the delivery stage sends it. Its id is a hash of workflow, event source and id, and step id,
 * so the same event never makes two tasks, and an event of another source with the same id makes its own. A title that renders empty fails the event: a task nobody can
 * read is no task.
 */
public final class TaskStep implements Step {

    private final TaskStepFactory.Options options;

    TaskStep(TaskStepFactory.Options options) {
        this.options = options;
    }

    /** A {@link Duration} for PT… and a {@link Period} for P…D/W/M/Y; null when it is neither. */
    static TemporalAmount parseDue(String text) {
        try {
            return text.contains("T") ? Duration.parse(text) : Period.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(this::run).toList();
    }

    private StepOutcome run(StepInvocation invocation) {
        String title = invocation.render(options.title());
        if (title.isBlank()) {
            return StepOutcome.Failed.permanent("Empty title at steps." + invocation.stepId() + ".title: got '' from \"" + options.title()
                    + "\", expected a one-line title. Send events that carry it, or skip the others with when: on this step");
        }
        String id = Task.idFor(invocation.workflow(), invocation.eventSource(), invocation.eventId(), invocation.stepId());
        Map<String, Object> fields = new LinkedHashMap<>();
        if (options.fields() != null) {
            options.fields().forEach((key, template) -> fields.put(key, invocation.render(template)));
        }
        Instant eventTime = eventTime(invocation.event().get("time"));
        String due = options.dueIn() == null ? null
                : eventTime.atOffset(ZoneOffset.UTC).plus(parseDue(options.dueIn())).toInstant().toString();
        Task task = new Task(id, invocation.workflow(), invocation.stepId(), options.sink(), invocation.eventId(),
                invocation.eventType(), title,
                options.body() == null ? null : invocation.render(options.body()),
                options.priority(), due,
                options.owner() == null ? null : blankToNull(invocation.render(options.owner())),
                // createdAt is the event's time, not the wall clock: a replayed event yields an identical task
                fields, invocation.calls(), eventTime.toString());
        return new StepOutcome.Completed(Map.of("id", id), task, List.of());
    }

    private static Instant eventTime(Object time) {
        if (time instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException ignored) {
                // the envelope schema checks the format; an odd offset falls back to now
            }
        }
        return Instant.now();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
