package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the benchmarks feed the engine: the demo's sample tickets, repeated with fresh ids, and the six triage labels. */
final class BenchTickets {

    /** The ticket-triage labels with their descriptions, in the example's order. */
    static final Map<String, String> LABELS = labels();

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchTickets() {
    }

    /** {@code count} ticket events (CloudEvents as JSON), the samples in turn, each with its own id. */
    static List<byte[]> events(int count) throws IOException {
        List<ObjectNode> tickets = new ArrayList<>();
        try (InputStream in = BenchTickets.class.getResourceAsStream("/examples/data/tickets.jsonl")) {
            if (in == null) {
                throw new IOException("Missing the sample tickets /examples/data/tickets.jsonl on the classpath");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    tickets.add((ObjectNode) JSON.readTree(line));
                }
            }
        }
        List<byte[]> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode event = tickets.get(i % tickets.size()).deepCopy();
            event.put("id", "bench-" + i);
            events.add(JSON.writeValueAsBytes(event));
        }
        return events;
    }

    /** The texts of {@code count} tickets: subject, a blank line, body. */
    static List<String> texts(int count) throws IOException {
        List<String> texts = new ArrayList<>(count);
        for (byte[] event : events(count)) {
            JsonNode data = JSON.readTree(event).path("data");
            texts.add(data.path("subject").asText() + "\n\n" + data.path("body").asText());
        }
        return texts;
    }

    private static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("billing", "Invoices, charges, refunds and payment methods");
        labels.put("bug", "Something is broken or shows an error");
        labels.put("how_to", "How to use or configure a feature");
        labels.put("cancellation", "Cancel the subscription or close the account");
        labels.put("account_access", "Cannot log in, password or two-factor problems");
        labels.put("feature_request", "Asking for a new capability");
        return Collections.unmodifiableMap(labels);
    }
}
