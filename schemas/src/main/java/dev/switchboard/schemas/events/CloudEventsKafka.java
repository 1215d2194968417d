package dev.switchboard.schemas.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The two content modes of the CloudEvents Kafka protocol binding. Structured: the whole event is one JSON document, the
 * record's value. Binary: each attribute is a {@code ce_<name>} header, {@code datacontenttype} is the {@code content-type}
 * header and the data alone is the value. Switchboard reads both ({@link EventParser#parse(byte[], Map)}) and writes the one
 * configured ({@code kafka.cloudevents_mode}).
 */
public final class CloudEventsKafka {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudEventsKafka() {
    }

    /** How Switchboard writes the events it makes. */
    public enum Mode {
        STRUCTURED, BINARY;

        /** {@code structured} or {@code binary}, in any case; the configuration's checks refuse other values first. */
        public static Mode of(String name) {
            return name == null || name.isBlank() ? STRUCTURED : valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** A binary-mode record's headers (as text, by name, in attribute order) and value. */
    public record Binary(Map<String, String> headers, byte[] value) {
    }

    /**
     * A structured event in binary mode: attributes to {@code ce_} headers (extension values as their text), JSON data as its
     * bytes, {@code data_base64} decoded. Bytes that are not a JSON object pass through as the value with no header, so that the
     * reader dead-letters them with the reason it gives any bad event.
     */
    public static Binary toBinary(byte[] structured) {
        JsonNode event;
        try {
            event = JSON.readTree(structured);
        } catch (IOException e) {
            return new Binary(Map.of(), structured);
        }
        if (event == null || !event.isObject()) {
            return new Binary(Map.of(), structured);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] value = new byte[0];
        for (Iterator<Map.Entry<String, JsonNode>> attributes = event.fields(); attributes.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = attributes.next();
            String name = attribute.getKey();
            JsonNode node = attribute.getValue();
            switch (name) {
                case "data" -> value = node.isNull() ? new byte[0] : write(node);
                case "data_base64" -> value = Base64.getDecoder().decode(node.asText());
                case "datacontenttype" -> headers.put(EventParser.BINARY_CONTENT_TYPE, node.asText());
                default -> {
                    if (!node.isNull()) {
                        headers.put(EventParser.BINARY_ATTRIBUTE_PREFIX + name, node.isTextual() ? node.asText() : node.toString());
                    }
                }
            }
        }
        if (value.length > 0 && !headers.containsKey(EventParser.BINARY_CONTENT_TYPE) && event.has("data")) {
            headers.put(EventParser.BINARY_CONTENT_TYPE, "application/json");
        }
        return new Binary(headers, value);
    }

    /**
     * A binary-mode record as one structured JSON event, for readers that want the whole event in one document (the Streams
     * stages); a record without a {@code ce_specversion} header is returned as it is. Nothing is validated here: the workflow
     * that reads the topic checks the event and dead-letters it with its reason.
     */
    public static byte[] toStructured(byte[] value, Map<String, String> headers) {
        if (headers == null || !headers.containsKey(EventParser.BINARY_ATTRIBUTE_PREFIX + "specversion")) {
            return value;
        }
        ObjectNode event = JSON.createObjectNode();
        headers.forEach((name, text) -> {
            if (name.startsWith(EventParser.BINARY_ATTRIBUTE_PREFIX) && name.length() > EventParser.BINARY_ATTRIBUTE_PREFIX.length()) {
                event.put(name.substring(EventParser.BINARY_ATTRIBUTE_PREFIX.length()), text);
            }
        });
        String contentType = headers.get(EventParser.BINARY_CONTENT_TYPE);
        if (contentType != null) {
            event.put("datacontenttype", contentType);
        }
        if (value != null && value.length > 0) {
            JsonNode data = contentType == null || isJson(contentType) ? read(value) : null;
            if (data != null) {
                event.set("data", data);
            } else {
                event.put("data_base64", Base64.getEncoder().encodeToString(value));
            }
        }
        return write(event);
    }

    private static boolean isJson(String contentType) {
        String essence = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return essence.equals("application/json") || essence.equals("text/json") || essence.endsWith("+json");
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
