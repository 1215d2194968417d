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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the bytes of a Kafka record into a checked CloudEvent, or says precisely why it cannot.
 * Checks, in order: size, UTF-8, JSON (with bounded nesting and string length), the CloudEvents 1.0
 * envelope, and the JSON Schema of the event's {@code data} when its type has one in {@code schemas/}.
 * Never throws for bad input.
 */
public final class EventParser {

    /** Event types with a schema shipped in this module. */
    public static final Set<String> KNOWN_TYPES = Set.of("ticket.created", "ticket.updated", "email.received", "crm.lead.created");

    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
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

    public Result parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new Rejected("Empty record: expected a CloudEvents 1.0 JSON object");
        }
        if (bytes.length > maxBytes) {
            return new Rejected("Event too large: got " + bytes.length + " bytes, expected at most " + maxBytes
                    + ". Put large content behind a URL and send the link");
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return new Rejected("Invalid UTF-8: " + e.getMessage() + ". Events must be UTF-8 JSON");
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            return new Rejected("Not JSON: " + firstLine(e.getOriginalMessage()) + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ", column "
                    + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()));
        } catch (IOException e) {
            return new Rejected("Not JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return new Rejected("Not a CloudEvent: got a JSON " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase())
                    + ", expected an object with specversion, id, source and type");
        }
        String problems = describe(envelope.validate(node));
        if (!problems.isEmpty()) {
            return new Rejected("Not a valid CloudEvents 1.0 event: " + problems);
        }
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
        return new Accepted((ObjectNode) node);
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
