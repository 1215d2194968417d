package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.nio.file.Path;
import org.apache.kafka.streams.StreamsConfig;

/** CloudEvents and driver settings for the topology tests. */
final class Events {

    private Events() {
    }

    static byte[] ticket(String id, String account, Instant time) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/test\",\"type\":\"ticket.created\",\"time\":\"" + time
                + "\",\"data\":{\"account_id\":\"" + account + "\",\"subject\":\"Help\",\"amount\":" + (id.length() * 10) + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] change(String type, String op, String before, String after) {
        return ("{\"specversion\":\"1.0\",\"id\":\"chg-" + System.nanoTime() + "\",\"source\":\"/debezium\",\"type\":\"" + type
                + "\",\"time\":\"2026-11-02T09:00:00Z\",\"data\":{\"op\":\"" + op + "\",\"table\":\"t\",\"before\":" + before
                + ",\"after\":" + after + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** What in a derived event's data does not match the schema shipped for its type (which workflows are checked against). */
    static List<String> schemaProblems(JsonNode event) {
        String resource = "/dev/switchboard/schemas/events/" + event.path("type").asText() + ".schema.json";
        try (InputStream schema = Events.class.getResourceAsStream(resource)) {
            if (schema == null) {
                return List.of("no schema " + resource);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(event.path("data")).stream()
                    .map(ValidationMessage::getMessage).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static Properties driver(Path stateDir) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return properties;
    }
}
