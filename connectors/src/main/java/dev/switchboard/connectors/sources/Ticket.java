package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A helpdesk ticket as the vendor mappings read it, and its {@code ticket.created} /
 * {@code ticket.updated} CloudEvent: source {@code /helpdesk/<vendor>}, subject and key the ticket
 * id, fields cut to the limits of the event schema (a long description never fails a webhook).
 *
 * @param change what happened, for updates (a GitHub action, a Zendesk event type, a Jira event name)
 */
public record Ticket(String ticketId, String subject, String body, String requesterName, String requesterEmail,
                     String channel, String priority, List<String> tags, String url, String status, String change,
                     Instant updatedAt) {

    public static final String CREATED = "ticket.created";
    public static final String UPDATED = "ticket.updated";

    private static final Map<String, String> PRIORITIES = Map.ofEntries(
            Map.entry("urgent", "urgent"), Map.entry("critical", "urgent"), Map.entry("blocker", "urgent"),
            Map.entry("highest", "urgent"), Map.entry("p0", "urgent"), Map.entry("sev1", "urgent"),
            Map.entry("high", "high"), Map.entry("major", "high"), Map.entry("p1", "high"), Map.entry("sev2", "high"),
            Map.entry("normal", "normal"), Map.entry("medium", "normal"), Map.entry("p2", "normal"), Map.entry("sev3", "normal"),
            Map.entry("low", "low"), Map.entry("lowest", "low"), Map.entry("minor", "low"), Map.entry("trivial", "low"),
            Map.entry("p3", "low"), Map.entry("p4", "low"), Map.entry("sev4", "low"));

    /**
     * A vendor's priority name as one of low, normal, high, urgent; null when it names none
     * (Zendesk's "-", an empty placeholder, a custom scale).
     */
    public static String priority(String vendorValue) {
        if (vendorValue == null) {
            return null;
        }
        String key = vendorValue.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
        return PRIORITIES.get(key);
    }

    /** The event: {@code id} is the vendor's delivery id, or a stable hash when the vendor sends none. */
    public SourceEvent toEvent(String vendor, String type, String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode data = json.objectNode();
        data.put("ticket_id", cut(ticketId, 128));
        if (subject != null || type.equals(CREATED)) {
            data.put("subject", cut(subject == null ? "" : subject, 1000));
        }
        if (body != null || type.equals(CREATED)) {
            data.put("body", cut(body == null ? "" : body, 100_000));
        }
        if (present(requesterName) || present(requesterEmail)) {
            ObjectNode requester = data.putObject("requester");
            if (present(requesterName)) {
                requester.put("name", cut(requesterName, 256));
            }
            if (present(requesterEmail)) {
                requester.put("email", cut(requesterEmail, 320));
            }
        }
        if (present(channel)) {
            data.put("channel", cut(channel, 64));
        }
        if (priority != null) {
            data.put("priority", priority);
        }
        if (tags != null && !tags.isEmpty()) {
            var array = data.putArray("tags");
            tags.stream().filter(Ticket::present).limit(100).forEach(tag -> array.add(cut(tag, 128)));
        }
        if (present(url)) {
            data.put("url", cut(url, 2048));
        }
        if (present(status)) {
            data.put("status", cut(status, 64));
        }
        if (type.equals(UPDATED) && present(change)) {
            data.put("change", cut(change, 128));
        }
        if (type.equals(UPDATED) && updatedAt != null) {
            data.put("updated_at", updatedAt.toString());
        }
        return SourceEvent.of(cut(id, 256), type, "/helpdesk/" + vendor, cut(ticketId, 2048), updatedAt == null ? Instant.now() : updatedAt,
                data, ticketId);
    }

    /** A JSON value as text: strings as they are, numbers as written, null/missing/empty as null. */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    /** Tags given as a JSON array, or as one string separated by commas or spaces (helpdesk placeholders). */
    public static List<String> tags(JsonNode node) {
        List<String> tags = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return tags;
        }
        if (node.isArray()) {
            node.forEach(item -> {
                String tag = item.isObject() ? text(item.get("name")) : text(item);
                if (tag != null) {
                    tags.add(tag.trim());
                }
            });
            return tags;
        }
        for (String tag : node.asText().split("[,\\s]+")) {
            if (!tag.isBlank()) {
                tags.add(tag.trim());
            }
        }
        return tags;
    }

    /** A vendor timestamp: ISO-8601 with or without a colon in the offset (Jira writes +0000), or epoch seconds or milliseconds. */
    public static Instant time(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.trim();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return OffsetDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]Z")).toInstant();
            } catch (DateTimeParseException notJira) {
                try {
                    return OffsetDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z")).toInstant();
                } catch (DateTimeParseException notSpaced) {
                    if (value.matches("\\d{9,13}")) {
                        long number = Long.parseLong(value);
                        return number > 100_000_000_000L ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
                    }
                    return null;
                }
            }
        }
    }

    static boolean present(String text) {
        return text != null && !text.isBlank();
    }

    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
