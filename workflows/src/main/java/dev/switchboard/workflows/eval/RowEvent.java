package dev.switchboard.workflows.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a dataset row becomes a CloudEvent: its {@code type}, {@code source} and {@code subject}, each
 * a fixed value or the value of one of the row's fields, so that a workflow whose filter or
 * conditions test them sees what it sees live. Null leaves the default: the workflow's first event
 * type, source {@value #DEFAULT_SOURCE}, no subject.
 */
public record RowEvent(String type, String typeColumn, String source, String sourceColumn, String subject, String subjectColumn) {

    /** The source of a row's event when none is given. */
    public static final String DEFAULT_SOURCE = "switchboard/eval";

    /** Every attribute at its default. */
    public static RowEvent defaults() {
        return new RowEvent(null, null, null, null, null, null);
    }

    /**
     * The event of row {@code index}: its fields as {@code data}, attributes as configured. A row that is itself a CloudEvent
     * (it has {@code specversion} and an object {@code data}) is that event, less the {@code expected} a sidecar added.
     */
    Map<String, Object> event(int index, Map<String, Object> row, String defaultType) {
        if (row.containsKey("specversion") && row.get("data") instanceof Map<?, ?>) {
            Map<String, Object> event = new LinkedHashMap<>(row);
            event.remove("expected");
            return event;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", "eval-" + (index + 1));
        event.put("type", pick(row, typeColumn, type, defaultType));
        event.put("source", pick(row, sourceColumn, source, DEFAULT_SOURCE));
        String subjectValue = pick(row, subjectColumn, subject, null);
        if (subjectValue != null) {
            event.put("subject", subjectValue);
        }
        event.put("data", row);
        return event;
    }

    private static String pick(Map<String, Object> row, String column, String fixed, String fallback) {
        if (column != null) {
            Object value = row.get(column);
            return value == null ? null : String.valueOf(value);
        }
        return fixed != null ? fixed : fallback;
    }
}
