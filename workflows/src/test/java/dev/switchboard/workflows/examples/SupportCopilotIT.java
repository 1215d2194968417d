package dev.switchboard.workflows.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.switchboard.llm.sim.CannedAnswers;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.review.ReviewQueue;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.streams.CrmTables;
import dev.switchboard.workflows.streams.StreamsNames;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.StreamsState;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example {@code support-copilot.yaml} end to end on the embedded broker: the 70 sample tickets, the
 * CRM tables loaded from the sample records, the model simulator answering each ticket as a model would (canned
 * answers, with failures and broken answers on the way), and Zendesk and Freshdesk played by WireMock in the
 * shapes of their documentation. Public replies reach a helpdesk only where the policy allows; notes are
 * private; every sensitive or VIP ticket waits in review, and goes out only once a person approves it.
 */
@ExtendWith(SharedKafka.class)
class SupportCopilotIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("examples");
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final String ZENDESK_TOKEN = "zd_live_6tQ9mB2xR7kL4pW8";
    private static final String FRESHDESK_KEY = "fd_Zr4Q8mK2pX7wL9tB";
    /** The ticket whose classification the simulated model gets wrong twice: a label outside the set. */
    private static final String OFF_SCHEMA_TICKET = "9214";
    /** The ticket whose first draft comes back cut off in the middle of its JSON. */
    private static final String CUT_OFF_TICKET = "48229";

    @RegisterExtension
    static WireMockExtension zendesk = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().globalTemplating(true)).build();

    @RegisterExtension
    static WireMockExtension freshdesk = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().globalTemplating(true)).build();

    @TempDir
    Path dir;

    @Test
    void should_reply_publicly_only_where_the_policy_allows_and_hold_sensitive_tickets_for_review(SharedKafka.Bootstrap kafka) throws Exception {
        // given the helpdesks, a simulated model that stumbles now and then, and the flow on topics of its own
        answerLikeZendesk();
        answerLikeFreshdesk();
        // and no CRM tables from an earlier test: LeadScoringIT loads the same company domains under other ids
        StreamsState.forget(kafka.servers(), StreamsNames.EngineStage.CRM.application());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, JsonNode> tickets = rows(EXAMPLES.resolve("data/support-tickets.jsonl"));
        Map<String, String> expected = rows(EXAMPLES.resolve("data/support-tickets.expected.jsonl")).values().stream()
                .collect(Collectors.toMap(row -> row.path("id").asText(), row -> row.path("route").asText()));
        copyFlow(suffix);
        try (ModelSimulator model = ModelSimulator.start(); TaskReceiver receiver = new TaskReceiver()) {
            CannedAnswers canned;
            try (var fixture = Files.newBufferedReader(EXAMPLES.resolve("data/support-tickets.model-answers.jsonl"))) {
                canned = CannedAnswers.read(fixture, Pattern.compile("Ticket ([A-Za-z0-9-]+):"));
            }
            AtomicBoolean cutOff = new AtomicBoolean();
            model.answers(request -> {
                boolean classify = !request.labels().isEmpty();
                if (classify && request.body().contains("Ticket " + OFF_SCHEMA_TICKET + ":")) {
                    return ModelSimulator.answer("refund", 0.99); // through the repair turn too
                }
                if (!classify && request.body().contains("Ticket " + CUT_OFF_TICKET + ":") && cutOff.compareAndSet(false, true)) {
                    return "{\"draft\": \"Hello, thanks for"; // repaired on the next turn
                }
                return canned.apply(request);
            }).faultFirst(2, ModelSimulator.Fault.httpError(503));
            Function<String, Optional<String>> secrets = name -> Optional.ofNullable(
                    Map.of("ZENDESK_API_TOKEN", ZENDESK_TOKEN, "FRESHDESK_API_KEY", FRESHDESK_KEY).get(name));
            var config = EngineConfigLoader.standard(secrets).parse("it.yaml", config(kafka.servers(), suffix, model, receiver), dir);
            assertThat(config.problems()).isEmpty();
            try (Engine engine = Engine.builder(config.config()).secrets(secrets).build()) {
                WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("support-copilot.yaml"));
                assertThat(loaded.problems()).isEmpty();
                engine.start(List.of(loaded.workflow()));
                loadCrm(engine, kafka.servers(), "support.cdc." + suffix);

                // when the tickets arrive
                int published = EventPublisher.publish(kafka.servers(), Map.of(), "support.events." + suffix,
                        new StringReader(Files.readString(EXAMPLES.resolve("data/support-tickets.jsonl"))));
                await().atMost(PATIENCE).until(() -> settled(engine, published));

                // then public replies went only to tickets the policy may answer, every note is private
                Map<String, String> zendeskTickets = ticketsBySource(tickets, "/helpdesk/zendesk");
                Map<String, String> freshdeskTickets = ticketsBySource(tickets, "/helpdesk/freshdesk");
                List<ServeEvent> zendeskUpdates = requests(zendesk, "PUT");
                assertThat(zendeskUpdates).isNotEmpty().allSatisfy(update -> {
                    JsonNode ticket = JSON.readTree(update.getRequest().getBodyAsString()).path("ticket");
                    String event = zendeskTickets.get(update.getRequest().getUrl().replaceFirst(".*/", ""));
                    if (ticket.path("comment").path("public").asBoolean()) {
                        assertThat(expected.get(event)).as(event).isEqualTo("auto_resolve");
                    } else {
                        assertThat(expected.get(event)).as(event).isIn("auto_resolve", "agent_note");
                    }
                    assertThat(ticket.path("safe_update").asBoolean()).isTrue();
                    assertThat(ticket.path("tags").toString()).contains("switchboard_tsk_");
                });
                List<ServeEvent> freshdeskPosts = requests(freshdesk, "POST");
                assertThat(freshdeskPosts).isNotEmpty().allSatisfy(post -> {
                    String url = post.getRequest().getUrl();
                    String event = freshdeskTickets.get(url.replaceAll(".*/tickets/(\\d+)/.*", "$1"));
                    if (url.endsWith("/reply")) {
                        assertThat(expected.get(event)).as(event).isEqualTo("auto_resolve");
                    } else {
                        assertThat(expected.get(event)).as(event).isIn("auto_resolve", "agent_note");
                    }
                });
                long publicReplies = zendeskUpdates.stream().filter(update -> update.getRequest().getBodyAsString().contains("\"public\":true")).count()
                        + freshdeskPosts.stream().filter(post -> post.getRequest().getUrl().endsWith("/reply")).count()
                        + receiver.tasks().values().stream().filter(task -> task.contains("\"sink\":\"mail-replies\"")).count();
                assertThat(publicReplies).isGreaterThan(25);

                // and every sensitive or VIP ticket waits for a person, with the draft to approve
                ReviewQueue reviews = new ReviewQueue(kafka.servers(), Map.of(), "support.review." + suffix, "support.decisions." + suffix);
                List<JsonNode> pending = reviews.pending(100);
                assertThat(pending).extracting(review -> review.path("event").path("id").asText())
                        .containsExactlyInAnyOrderElementsOf(expected.entrySet().stream().filter(row -> row.getValue().equals("review"))
                                .map(Map.Entry::getKey).toList());
                assertThat(pending).allSatisfy(review -> assertThat(review.path("candidates").get(0).path("output").path("reply").asText()).isNotBlank());

                // and the ticket whose answers stayed off the label set was dead-lettered with the reason, the others went through
                List<ConsumerRecord<byte[], byte[]>> dead = TopicRecords.all(kafka.servers(), "support.dlq." + suffix);
                assertThat(dead).singleElement().satisfies(record -> {
                    assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"ticket_id\":\"" + OFF_SCHEMA_TICKET + "\"");
                    assertThat(new String(record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                            .contains("Step 'triage'", "refund");
                });
                assertThat(model.statusCount(503)).isEqualTo(2);
                assertThat(zendeskUpdates).as("the reply whose first draft was cut off, repaired")
                        .anySatisfy(update -> assertThat(update.getRequest().getUrl()).endsWith("/" + CUT_OFF_TICKET));

                // when a person corrects and approves one held reply, and rejects another
                String vip = "nwc-tkt-064";
                String sensitive = "nwc-tkt-056";
                reviews.approve(ReviewRecords.reviewId("support-copilot", tickets.get(vip).path("source").asText(), vip, "hold"),
                        Map.of("reply", "Hello Erik, our SSO team is on it."), new ReviewQueue.Decider("lead@northwind", null));
                reviews.reject(ReviewRecords.reviewId("support-copilot", tickets.get(sensitive).path("source").asText(), sensitive, "hold"),
                        new ReviewQueue.Decider("lead@northwind", null), "The security team calls them");

                // then the approved reply goes out as a public reply, and the rejected one never does
                String vipTicket = tickets.get(vip).path("data").path("ticket_id").asText();
                await().atMost(PATIENCE).until(() -> requests(zendesk, "PUT").stream()
                        .anyMatch(update -> update.getRequest().getUrl().endsWith("/" + vipTicket)));
                await().atMost(PATIENCE).until(() -> engine.counters().get("workflow.support-copilot").getOrDefault("reviews_rejected", 0L) == 1);
                JsonNode approved = JSON.readTree(requests(zendesk, "PUT").stream().filter(update -> update.getRequest().getUrl().endsWith("/" + vipTicket))
                        .findFirst().orElseThrow().getRequest().getBodyAsString()).path("ticket").path("comment");
                assertThat(approved.path("body").asText()).isEqualTo("Hello Erik, our SSO team is on it.");
                assertThat(approved.path("public").asBoolean()).isTrue();
                String sensitiveTicket = tickets.get(sensitive).path("data").path("ticket_id").asText();
                assertThat(requests(freshdesk, "POST")).noneMatch(post -> post.getRequest().getUrl().contains("/tickets/" + sensitiveTicket + "/"));
            }
        }
    }

    private static boolean settled(Engine engine, int events) {
        Map<String, Long> workflow = engine.counters().getOrDefault("workflow.support-copilot", Map.of());
        Map<String, Long> delivery = engine.counters().getOrDefault("delivery", Map.of());
        return workflow.getOrDefault("events", 0L) >= events
                && delivery.getOrDefault("delivered", 0L) + delivery.getOrDefault("dead_letters", 0L) >= workflow.getOrDefault("tasks", 0L);
    }

    private void copyFlow(String suffix) throws Exception {
        Files.writeString(dir.resolve("support-copilot.yaml"), Files.readString(EXAMPLES.resolve("support-copilot.yaml"))
                .replace("topic: switchboard.events", "topic: support.events." + suffix)
                .replace("  types: [ticket.created]", "  types: [ticket.created]\n  start: earliest"));
        Path kb = Files.createDirectories(dir.resolve("knowledge-base/support"));
        try (Stream<Path> articles = Files.list(EXAMPLES.resolve("knowledge-base/support"))) {
            for (Path article : articles.toList()) {
                Files.copy(article, kb.resolve(article.getFileName()));
            }
        }
    }

    private static String config(String kafka, String suffix, ModelSimulator model, TaskReceiver receiver) {
        return """
                kafka:
                  bootstrap_servers: %1$s
                  streams:
                    state_dir: state
                    crm:
                      topics: [support.cdc.%2$s]
                topics:
                  tasks: support.tasks.%2$s
                  dead_letter: support.dlq.%2$s
                  deliveries: support.deliveries.%2$s
                  review: support.review.%2$s
                  audit: support.audit.%2$s
                  decisions: support.decisions.%2$s
                models:
                  fast:
                    base_url: %3$s
                    model: qwen2.5-7b-instruct
                    max_tokens: 1024
                sinks:
                  zendesk-replies:
                    zendesk-reply:
                      base_url: http://127.0.0.1:%4$d
                      email: copilot@northwind.example.com
                      token_env: ZENDESK_API_TOKEN
                  freshdesk-replies:
                    freshdesk-reply:
                      base_url: http://127.0.0.1:%5$d
                      token_env: FRESHDESK_API_KEY
                  mail-replies:
                    webhook:
                      url: %6$s
                  support-queue:
                    webhook:
                      url: %6$s
                outbound:
                  allowed_hosts: [127.0.0.1:%4$d, 127.0.0.1:%5$d, %7$s]
                http:
                  port: 0
                """.formatted(kafka, suffix, model.baseUrl(), zendesk.getPort(), freshdesk.getPort(), receiver.url(), receiver.hostAndPort());
    }

    /** The sample CRM records, published to the change topic; waits until the tables hold every company. */
    private static void loadCrm(Engine engine, String kafka, String topic) throws Exception {
        Path file = EXAMPLES.resolve("data/support-crm.jsonl");
        EventPublisher.publish(kafka, Map.of(), topic, new StringReader(Files.readString(file)));
        CrmTables tables = engine.streams().crm().orElseThrow();
        List<JsonNode> companies = rows(file).values().stream().filter(event -> event.path("type").asText().equals("crm.company.snapshot"))
                .map(event -> event.path("data")).toList();
        // by id and by domain, as the workflow looks accounts up: the domain index is built through a repartition topic
        // and can lag the table
        await().atMost(PATIENCE).ignoreExceptions().until(() -> companies.stream().allMatch(company ->
                        tables.find("company", "id", company.path("id").asText()).isPresent()
                                && tables.find("company", "domain", company.path("domain").asText()).isPresent())
                && tables.find("owner", "id", "owner-shale").isPresent());
    }

    private static Map<String, JsonNode> rows(Path file) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            rows.put(row.path("id").asText(), row);
        }
        return rows;
    }

    /** Event ids by helpdesk ticket id, for the tickets of one source. */
    private static Map<String, String> ticketsBySource(Map<String, JsonNode> tickets, String source) {
        return tickets.values().stream().filter(ticket -> ticket.path("source").asText().equals(source))
                .collect(Collectors.toMap(ticket -> ticket.path("data").path("ticket_id").asText(), ticket -> ticket.path("id").asText()));
    }

    private static List<ServeEvent> requests(WireMockExtension vendor, String method) {
        return vendor.getAllServeEvents().stream().filter(event -> event.getRequest().getMethod().getName().equals(method)).toList();
    }

    /** Zendesk's Support API: the ticket as read (no tags yet), and the update answered with the ticket and its audit. */
    private static void answerLikeZendesk() {
        zendesk.resetAll();
        zendesk.stubFor(get(urlPathMatching("/api/v2/tickets/\\d+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"ticket": {"id": {{request.pathSegments.[3]}}, "status": "new", "tags": [], "updated_at": "2026-11-02T12:05:17Z"}}""")));
        zendesk.stubFor(put(urlPathMatching("/api/v2/tickets/\\d+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"ticket": {"id": {{request.pathSegments.[3]}}, "status": "open"}, "audit": {"id": 9120341}}""")));
    }

    /** Freshdesk's API v2: no conversation carries the task yet; replies and notes are created. */
    private static void answerLikeFreshdesk() {
        freshdesk.resetAll();
        freshdesk.stubFor(get(urlPathMatching("/api/v2/tickets/\\d+/conversations")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("[]")));
        freshdesk.stubFor(post(urlPathMatching("/api/v2/tickets/\\d+/(reply|notes)")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id": 162000123, "ticket_id": {{request.pathSegments.[3]}}, "private": false, "incoming": false}""")));
    }
}
