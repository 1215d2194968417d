package dev.switchboard.workflows.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
