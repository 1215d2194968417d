package dev.switchboard.schemas.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a Kafka record, in structured or binary content mode, into a checked CloudEvent, or says
 * precisely why it cannot.
 * Checks, in order: size, UTF-8, JSON (with bounded nesting and string length), the CloudEvents 1.0
 * envelope, and the JSON Schema of the event's {@code data} when its type has one in {@code schemas/}.
 * Never throws for bad input.
 */
public final class EventParser {

    /** Event types with a schema shipped in this module. */
    public static final Set<String> KNOWN_TYPES = Set.of("ticket.created", "ticket.updated", "email.received", "crm.lead.created",
            "invoice.accepted", "invoice.issued", "payment.received", "payment.sent",
            "invoice.paid", "invoice.partially_paid", "payment.unmatched", "invoice.overdue", "call.completed");

    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** Prefix of the Kafka headers that carry a binary-mode event's attributes ({@code ce_id}, {@code ce_type}, ...). */
    public static final String BINARY_ATTRIBUTE_PREFIX = "ce_";
    /** The Kafka header that carries a binary-mode event's data content type. */
    public static final String BINARY_CONTENT_TYPE = "content-type";
    private static final int MAX_NESTING = 64;

    private final int maxBytes;
    private final ObjectMapper mapper;
    private final JsonSchema envelope;
    private final Map<String, JsonSchema> dataSchemas;

    public EventParser() {
        this(DEFAULT_MAX_BYTES);
    }

    public EventParser(int maxBytes) {
        this.maxBytes = maxBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(maxBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = ExactJson.mapper(factory);
        JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // In draft 2020-12 "format" only annotates unless asserted; the envelope's "time" must be a date-time.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.LEGACY)
                .formatAssertionsEnabled(true)
                .build();
        this.envelope = schemas.getSchema(load("cloudevent"), config);
        Map<String, JsonSchema> data = new LinkedHashMap<>();
        for (String type : KNOWN_TYPES) {
            data.put(type, schemas.getSchema(load(type), config));
        }
        this.dataSchemas = Map.copyOf(data);
    }

    /** The outcome of parsing one record. */
    public sealed interface Result permits Accepted, Rejected {
    }

    /** A valid CloudEvent. */
    public record Accepted(ObjectNode event) implements Result {
        public String id() {
            return event.path("id").asText();
        }

        public String type() {
            return event.path("type").asText();
        }
    }

    /** Why the bytes are not a valid event; goes to the dead-letter topic with the original bytes. */
    public record Rejected(String reason) implements Result {
    }

    /** A record in structured mode: the value is the whole event. */
    public Result parse(byte[] bytes) {
        Object read = readJson(bytes, "a CloudEvents 1.0 JSON object");
        if (read instanceof Rejected rejected) {
            return rejected;
        }
        JsonNode node = (JsonNode) read;
        if (node == null || !node.isObject()) {
            return new Rejected("Not a CloudEvent: got a JSON " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase())
                    + ", expected an object with specversion, id, source and type");
        }
        return validate((ObjectNode) node);
    }

    /**
     * A Kafka record in either content mode of the CloudEvents Kafka binding: binary when it has a
     * {@code ce_specversion} header (the attributes in {@code ce_*} headers, the data content type in
     * {@code content-type}, the data as the value), structured otherwise. Both get the same checks and
     * the same reasons; a binary event is returned as its structured form, JSON data as {@code data} and
     * any other as {@code data_base64}.
     *
     * @param headers the record's headers as UTF-8 text, by name
     */
    public Result parse(byte[] value, Map<String, String> headers) {
        if (headers == null || !headers.containsKey(BINARY_ATTRIBUTE_PREFIX + "specversion")) {
            return parse(value);
        }
        ObjectNode event = mapper.createObjectNode();
        headers.forEach((name, text) -> {
            if (name.startsWith(BINARY_ATTRIBUTE_PREFIX) && name.length() > BINARY_ATTRIBUTE_PREFIX.length()) {
                event.put(name.substring(BINARY_ATTRIBUTE_PREFIX.length()), text);
            }
        });
        String contentType = headers.get(BINARY_CONTENT_TYPE);
        if (contentType != null) {
            event.put("datacontenttype", contentType);
        }
        if (value != null && value.length > 0) {
            if (contentType == null || isJson(contentType)) {
                Object read = readJson(value, "JSON data (content-type " + (contentType == null ? "not given" : contentType) + ")");
                if (read instanceof Rejected rejected) {
                    return rejected;
                }
                event.set("data", (JsonNode) read);
            } else if (value.length > maxBytes) {
                return tooLarge(value.length);
            } else {
                event.put("data_base64", Base64.getEncoder().encodeToString(value));
            }
        }
        return validate(event);
    }

    /** The JSON in {@code bytes}, or why it is not JSON; {@code expected} says what should have been there. */
    private Object readJson(byte[] bytes, String expected) {
        if (bytes == null || bytes.length == 0) {
            return new Rejected("Empty record: expected " + expected);
        }
        if (bytes.length > maxBytes) {
            return tooLarge(bytes.length);
        }
        // ASCII is UTF-8; only other bytes need the decoder, which also says what is wrong with them
        if (!isAscii(bytes)) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                return new Rejected("Invalid UTF-8: " + e.getMessage() + ". Events must be UTF-8 JSON");
            }
        }
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            return new Rejected("Not JSON: " + firstLine(e.getOriginalMessage()) + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ", column "
                    + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()));
        } catch (IOException e) {
            return new Rejected("Not JSON: " + firstLine(e.getMessage()));
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private Rejected tooLarge(int size) {
        return new Rejected("Event too large: got " + size + " bytes, expected at most " + maxBytes
                + ". Put large content behind a URL and send the link");
    }

    /**
     * The envelope, then the data against its type's schema when Switchboard ships one. The envelope's
     * schema runs only for an event the direct check ({@link PlainEnvelope}) does not pass, so the
     * verdicts and messages are the schema's.
     */
    private Result validate(ObjectNode node) {
        return PlainEnvelope.plainlyValid(node) ? validateData(node) : validateBySchemas(node);
    }

    /** {@link #validate}, with the envelope's JSON Schema run on every event: what the direct check must agree with. */
    Result validateBySchemas(ObjectNode node) {
        String problems = describe(envelope.validate(node));
        if (!problems.isEmpty()) {
            return new Rejected("Not a valid CloudEvents 1.0 event: " + problems);
        }
        return validateData(node);
    }

    private Result validateData(ObjectNode node) {
        String type = node.path("type").asText();
        JsonSchema dataSchema = dataSchemas.get(type);
        if (dataSchema != null) {
            JsonNode data = node.get("data");
            if (data == null || data.isNull()) {
                return new Rejected("Event of type '" + type + "' has no data; expected an object matching " + type + ".schema.json");
            }
            String dataProblems = describe(dataSchema.validate(data));
            if (!dataProblems.isEmpty()) {
                return new Rejected("Event data does not match " + type + ".schema.json: " + dataProblems.replace("$.", "data.").replace("$:", "data:"));
            }
        }
        return new Accepted(node);
    }

    private static boolean isJson(String contentType) {
        String essence = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return essence.equals("application/json") || essence.equals("text/json") || essence.endsWith("+json");
    }

    private static String describe(Set<ValidationMessage> messages) {
        return messages.stream()
                .map(ValidationMessage::getMessage)
                .sorted(Comparator.naturalOrder())
                .limit(10)
                .collect(Collectors.joining("; "));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static JsonNode load(String name) {
        String resource = "/dev/switchboard/schemas/events/" + name + ".schema.json";
        try (InputStream in = EventParser.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
