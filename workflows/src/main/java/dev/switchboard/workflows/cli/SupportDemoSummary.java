package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code switchboard demo support} did: each ticket's route (a public reply, a note for an agent, or held for
 * review), compared with the route the sample expects, and the counts a person asks about first.
 *
 * @param routes     the route each ticket took, by event id: {@code auto_resolve}, {@code agent_note} or {@code review}
 * @param expected   the route the sample expects, by event id
 * @param deliveries the tasks delivered, by sink
 */
public record SupportDemoSummary(int tickets, int badEvents, Map<String, String> routes, Map<String, String> expected,
                                 Map<String, List<JsonNode>> deliveries, long deadLettered, long modelCalls, Duration elapsed,
                                 Path folder) {

    static final List<String> ROUTES = List.of("auto_resolve", "agent_note", "review");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The summary of deliveries (tasks carry their route in the field {@code route}) and the reviews still pending. */
    static SupportDemoSummary of(Path expectedFile, Map<String, List<JsonNode>> deliveries, List<JsonNode> reviews, int tickets,
                                 int badEvents, long deadLettered, long modelCalls, Duration elapsed, Path folder) throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(expectedFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode row = JSON.readTree(line);
                expected.put(row.path("id").asText(), row.path("route").asText());
            }
        }
        Map<String, String> routes = new HashMap<>();
        deliveries.values().forEach(tasks -> tasks.forEach(task ->
                routes.put(task.path("eventId").asText(), task.path("fields").path("route").asText())));
        reviews.forEach(review -> routes.put(review.path("event").path("id").asText(), "review"));
        return new SupportDemoSummary(tickets, badEvents, Map.copyOf(routes), Map.copyOf(expected), deliveries, deadLettered, modelCalls,
                elapsed, folder);
    }

    public long count(String route) {
        return routes.values().stream().filter(route::equals).count();
    }

    /** Tickets whose route is the expected one. */
    public long agreed() {
        return expected.entrySet().stream().filter(row -> row.getValue().equals(routes.get(row.getKey()))).count();
    }

    public double agreement() {
        return expected.isEmpty() ? 0 : (double) agreed() / expected.size();
    }

    /** How many tickets the sample expects on route {@code want} took route {@code got} (none: not routed at all). */
    public long confusion(String want, String got) {
        return expected.entrySet().stream().filter(row -> row.getValue().equals(want) && got.equals(routes.getOrDefault(row.getKey(), "none")))
                .count();
    }

    void print(PrintStream out) {
        out.println();
        out.printf("  tickets in            %d (and %d deliberately broken events)%n", tickets, badEvents);
        out.printf("  auto-resolved         %d  public replies -> %s%n", count("auto_resolve"), files("zendesk-replies", "freshdesk-replies", "mail-replies"));
        out.printf("  notes for agents      %d  private notes and queue tasks -> %s%n", count("agent_note"),
                files("zendesk-replies", "freshdesk-replies", "support-queue"));
        out.printf("  held for review       %d  sensitive or VIP: see them with `switchboard review list`%n", count("review"));
        out.printf("  dead-lettered         %d  (topic switchboard.dlq, with reason and original bytes)%n", deadLettered);
        out.printf("  agreement             %.1f%% (%d of %d tickets took the route data/support-tickets.expected.jsonl gives)%n",
                100 * agreement(), agreed(), expected.size());
        out.printf("    %-14s %13s %11s %7s%n", "expected \\ got", "auto_resolve", "agent_note", "review");
        for (String want : ROUTES) {
            out.printf("    %-14s %13d %11d %7d%n", want, confusion(want, "auto_resolve"), confusion(want, "agent_note"), confusion(want, "review"));
        }
        out.printf("  model calls           %d, answered by the simulator%n", modelCalls);
        out.printf("  elapsed               %.1f s (including broker, CRM tables and embedding model start-up)%n", elapsed.toMillis() / 1000.0);
        out.println();
        out.println("  The classifications and drafts came from the model simulator, canned per ticket in");
        out.println("  data/support-tickets.model-answers.jsonl; retrieval, the CRM look-ups, the policy and the deliveries ran for real.");
        out.println("  To answer with a real model, point `fast` at it under models: in switchboard.yaml, e.g.");
        out.println("    fast: { preset: deepseek, model: deepseek-chat }       # API key in DEEPSEEK_API_KEY");
        out.println("    fast: { preset: qwen, model: qwen-plus }               # API key in DASHSCOPE_API_KEY");
        out.println("    fast: { preset: vllm, model: Qwen/Qwen2.5-7B-Instruct } # your vLLM server on :8000");
        out.println("    fast: { preset: ollama, model: qwen2.5:7b }            # after `ollama pull qwen2.5:7b`");
        out.println("  then run the flow with `switchboard run`; docs/use-cases.md#support-copilot shows the configuration.");
    }

    private String files(String... sinks) {
        return folder.resolve("{" + String.join(",", sinks) + "}.jsonl").toString();
    }
}
