package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.Task;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How a task's values become a CRM's: due dates, related-record ids from fields, text as HTML. */
final class TaskMapping {

    private TaskMapping() {
    }

    /**
     * The due moment. A due date without a time becomes noon UTC on that date, which every time
     * zone from UTC-11 to UTC+11 shows as the same calendar day.
     */
    static Optional<Instant> dueInstant(Task task) {
        return instant(task.dueDate(), true);
    }

    /** The due date (the date part of a date-time, in UTC). */
    static Optional<LocalDate> dueDate(Task task) {
        return dueInstant(task).map(instant -> LocalDate.ofInstant(instant, ZoneOffset.UTC));
    }

    /** The due time of day in UTC, when the due date has one. */
    static Optional<LocalTime> dueTime(Task task) {
        if (task.dueDate() == null || task.dueDate().strip().length() <= 10) {
            return Optional.empty();
        }
        return dueInstant(task).map(instant -> LocalTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /** When the task was made, or now. */
    static Instant createdAt(Task task) {
        return instant(task.createdAt(), false).orElseGet(Instant::now);
    }

    private static Optional<Instant> instant(String text, boolean dateAtNoon) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String value = text.strip();
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return Optional.of(date.atTime(dateAtNoon ? LocalTime.NOON : LocalTime.MIDNIGHT).toInstant(ZoneOffset.UTC));
            }
            try {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException noOffset) {
                return Optional.of(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
            }
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A field of the task as text (numbers without a fraction as whole numbers); empty when absent or blank. */
    static Optional<String> field(Task task, String name) {
        Object value = task.fields().get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Optional.of(Long.toString(d.longValue()));
        }
        String text = String.valueOf(value).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** A field that must be a whole number (a Pipedrive id); empty when absent or not a number. */
    static Optional<Long> wholeNumberField(Task task, String name) {
        return field(task, name).filter(text -> text.matches("[0-9]{1,18}")).map(Long::valueOf);
    }

    /** {@code low}, {@code normal}, {@code high} or {@code urgent}; anything else reads as normal. */
    static String priority(Task task) {
        String priority = task.priority() == null ? "normal" : task.priority().strip().toLowerCase(java.util.Locale.ROOT);
        return switch (priority) {
            case "low", "high", "urgent" -> priority;
            default -> "normal";
        };
    }

    /**
     * Plain text as HTML for CRMs whose notes are rich text: escaped, so event data cannot add
     * markup or scripts to the CRM's pages, with line breaks kept.
     */
    static String html(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\r' -> {
                }
                case '\n' -> out.append("<br>");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** At most {@code max} characters (a CRM field's limit). */
    static String limit(String text, int max) {
        if (text == null) {
            return null;
        }
        return text.length() > max ? text.substring(0, max - 1) + "…" : text;
    }
}
