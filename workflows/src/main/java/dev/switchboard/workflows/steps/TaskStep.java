package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventTime;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a task for a configured sink, or one per item of a list ({@code for_each}). Tasks go to the
 * tasks topic (the outbox) with the event; the delivery stage sends them. A task's id is a hash of
 * workflow, event source and id, and step id (and the item's position), so the same event never makes
 * two tasks, and an event of another source with the same id makes its own. A title that renders empty
 * fails the event: a task nobody can read is no task.
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
        return batch.stream().map(invocation -> options.forEach() == null ? one(invocation) : each(invocation)).toList();
    }

    private StepOutcome one(StepInvocation invocation) {
        String id = Task.idFor(invocation.workflow(), invocation.eventSource(), invocation.eventId(), invocation.stepId());
        String title = invocation.render(options.title());
        if (title.isBlank()) {
            return StepOutcome.Failed.permanent(emptyTitle(invocation, ""));
        }
        Instant eventTime = eventTime(invocation.event().get("time"));
        Due due = due(invocation, Map.of(), eventTime);
        if (due.problem() != null) {
            return StepOutcome.Failed.permanent(due.problem());
        }
        return new StepOutcome.Completed(Map.of("id", id), List.of(task(invocation, id, title, Map.of(), due.date(), eventTime)), List.of());
    }

    private StepOutcome each(StepInvocation invocation) {
        String path = options.forEach().strip();
        Object value = invocation.read(path);
        if (value != null && !(value instanceof List<?>)) {
            return StepOutcome.Failed.permanent("Not a list at for_each: got " + (value instanceof Map<?, ?> ? "an object" : "'" + value + "'")
                    + " at " + path + ", expected a list. Point for_each at a list, such as an extract step's list field");
        }
        List<?> items = value == null ? List.of() : (List<?>) value;
        if (items.size() > options.maxItems()) {
            return StepOutcome.Failed.permanent("Too many items at for_each: got " + items.size() + " at " + path + ", expected at most "
                    + options.maxItems() + ". Raise max_items, or bound the list where it is made (an extract field's max_items)");
        }
        List<Task> tasks = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Instant eventTime = items.isEmpty() ? null : eventTime(invocation.event().get("time"));
        for (int i = 0; i < items.size(); i++) {
            // the position is part of the id: the same event, with the same list, makes the same tasks again
            String id = Task.idFor(invocation.workflow(), invocation.eventSource(), invocation.eventId(), invocation.stepId() + "[" + i + "]");
            Map<String, Object> item = new HashMap<>();
            item.put("item", items.get(i));
            String title = invocation.render(options.title(), item);
            if (title.isBlank()) {
                return StepOutcome.Failed.permanent(emptyTitle(invocation, " (item " + i + " of " + path + ")"));
            }
            Due due = due(invocation, item, eventTime);
            if (due.problem() != null) {
                return StepOutcome.Failed.permanent(due.problem() + " (item " + i + " of " + path + ")");
            }
            tasks.add(task(invocation, id, title, item, due.date(), eventTime));
            ids.add(id);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("ids", Collections.unmodifiableList(ids));
        output.put("count", (long) ids.size());
        return new StepOutcome.Completed(output, tasks, List.of());
    }

    private String emptyTitle(StepInvocation invocation, String where) {
        return "Empty title at steps." + invocation.stepId() + ".title: got '' from \"" + options.title()
                + "\"" + where + ", expected a one-line title. Send events that carry it, or skip the others with when: on this step";
    }

    private Task task(StepInvocation invocation, String id, String title, Map<String, Object> item, String due, Instant eventTime) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (options.fields() != null) {
            options.fields().forEach((key, template) -> fields.put(key, render(invocation, template, item)));
        }
        return new Task(id, invocation.workflow(), invocation.stepId(), options.sink(), invocation.eventId(),
                invocation.eventType(), title,
                options.body() == null ? null : render(invocation, options.body(), item),
                options.priority(), due,
                options.owner() == null ? null : blankToNull(render(invocation, options.owner(), item)),
                // createdAt is the event's time, not the wall clock: a replayed event yields an identical task
                fields, invocation.calls(), eventTime.toString());
    }

    /** A task's due date (null for none), or why the {@code due} template gave no date. */
    private record Due(String date, String problem) {
    }

    /** {@code due} when it renders a date, else {@code due_in} after the event's time, else none. */
    private Due due(StepInvocation invocation, Map<String, Object> item, Instant eventTime) {
        String rendered = options.due() == null ? null : blankToNull(render(invocation, options.due(), item));
        if (rendered != null) {
            String text = rendered.strip();
            try {
                return new Due(text.length() == 10 ? LocalDate.parse(text).toString() : OffsetDateTime.parse(text).toInstant().toString(), null);
            } catch (DateTimeParseException e) {
                return new Due(null, "Invalid date at due: got '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                        + "', expected an ISO-8601 date or date-time such as 2026-11-03 or 2026-11-03T09:00:00Z");
            }
        }
        return new Due(options.dueIn() == null ? null : eventTime.atOffset(ZoneOffset.UTC).plus(parseDue(options.dueIn())).toInstant().toString(), null);
    }

    private static String render(StepInvocation invocation, String template, Map<String, Object> item) {
        return item.isEmpty() ? invocation.render(template) : invocation.render(template, item);
    }

    private static Instant eventTime(Object time) {
        if (time instanceof String text) {
            Instant plain = EventTime.plain(text);
            if (plain != null) {
                return plain;
            }
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
