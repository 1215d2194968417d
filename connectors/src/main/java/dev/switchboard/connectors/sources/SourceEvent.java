package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/** A CloudEvents 1.0 structured-JSON event a source is about to publish, with its Kafka key. */
public record SourceEvent(String key, ObjectNode event) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A new event with {@code datacontenttype: application/json}; {@code subject} and {@code time} may be null. */
    public static SourceEvent of(String id, String type, String source, String subject, Instant time, ObjectNode data, String key) {
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", source);
        event.put("type", type);
        if (subject != null) {
            event.put("subject", subject);
        }
        if (time != null) {
            event.put("time", time.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        event.put("datacontenttype", "application/json");
        event.set("data", data);
        return new SourceEvent(key, event);
    }

    public String id() {
        return event.path("id").asText();
    }

    public String type() {
        return event.path("type").asText();
    }

    public byte[] bytes() {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    /**
     * A stable event id for vendors that send no delivery id: {@code prefix} and a hash of the parts
     * (vendor, ticket, updated-at, kind). A redelivery of the same change gets the same id, so
     * deduplication downstream absorbs it.
     */
    public static String stableId(String prefix, String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return prefix + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The SHA-256 of a body, in hex: a stable part of an id for deliveries that carry nothing else to tell them apart. */
    public static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
