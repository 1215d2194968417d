package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.EventParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The support copilot's own sample data agrees with the tickets and their ground truth: the CRM records cover
 * every customer who wrote, the VIP accounts are those the ground truth calls VIP, and the simulator's canned
 * answers answer every ticket with labels of the flow and articles of the knowledge base.
 */
class SupportCopilotDataTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final Path DATA = EXAMPLES.resolve("data");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LABELS = Set.of("billing", "account_access", "bug", "how_to", "cancellation", "shipping",
            "feature_request", "security", "privacy_legal");
    /** Requesters who are no customer's staff: private persons and an authority. */
    private static final Set<String> NOT_CUSTOMERS = Set.of("example.org", "constabulary.example.org");

    private static Map<String, JsonNode> byId(Path file, String field) throws IOException {
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            assertThat(rows.put(row.path(field).asText(), row)).as("duplicate %s in %s", row.path(field).asText(), file).isNull();
        }
        return rows;
    }

    @Test
    void should_hold_a_crm_account_for_every_customer_and_mark_vip_ones_as_the_ground_truth_does() throws IOException {
        // given
        Map<String, JsonNode> tickets = byId(DATA.resolve("support-tickets.jsonl"), "id");
        Map<String, JsonNode> expected = byId(DATA.resolve("support-tickets.expected.jsonl"), "id");
        Map<String, JsonNode> companies = new HashMap<>();
        Set<String> owners = new HashSet<>();
        EventParser parser = new EventParser();

        // when
        for (String line : Files.readAllLines(DATA.resolve("support-crm.jsonl"), StandardCharsets.UTF_8)) {
            assertThat(parser.parse(line.getBytes(StandardCharsets.UTF_8))).as(line).isInstanceOf(EventParser.Accepted.class);
            JsonNode event = JSON.readTree(line);
            JsonNode data = event.path("data");
            if (event.path("type").asText().equals("crm.owner.snapshot")) {
                owners.add(data.path("id").asText());
            } else {
                assertThat(event.path("type").asText()).isEqualTo("crm.company.snapshot");
                assertThat(companies.put(data.path("domain").asText(), data)).as("duplicate domain %s", data.path("domain")).isNull();
            }
        }

        // then
        Set<String> domains = tickets.values().stream().map(ticket -> ticket.path("data").path("requester").path("email").asText().split("@")[1])
                .filter(domain -> !NOT_CUSTOMERS.contains(domain)).collect(Collectors.toSet());
        assertThat(companies.keySet()).isEqualTo(domains);
        assertThat(companies.values()).allSatisfy(company -> {
            assertThat(owners).contains(company.path("owner_id").asText());
            assertThat(company.path("plan").asText()).isIn("free", "team", "business", "enterprise");
        });
        Set<String> vipDomains = expected.values().stream().filter(row -> row.path("vip").asBoolean())
                .map(row -> tickets.get(row.path("id").asText()).path("data").path("requester").path("email").asText().split("@")[1])
                .collect(Collectors.toSet());
        assertThat(companies.values().stream().filter(company -> company.path("tier").asText().equals("vip"))
                .map(company -> company.path("domain").asText())).containsExactlyInAnyOrderElementsOf(vipDomains);
    }

    @Test
    void should_hold_each_ticket_with_its_expected_label_and_route_when_the_eval_dataset_is_read() throws IOException {
        // given
        Map<String, JsonNode> tickets = byId(DATA.resolve("support-tickets.jsonl"), "id");
        Map<String, JsonNode> expected = byId(DATA.resolve("support-tickets.expected.jsonl"), "id");

        // when
        Map<String, JsonNode> rows = byId(DATA.resolve("support-tickets.eval.jsonl"), "id");

        // then every row is the ticket's data, flat, with the ground truth beside it
        assertThat(rows.keySet()).isEqualTo(tickets.keySet());
        assertThat(rows.values()).allSatisfy(row -> {
            String id = row.path("id").asText();
            tickets.get(id).path("data").fields().forEachRemaining(field -> assertThat(row.get(field.getKey())).isEqualTo(field.getValue()));
            assertThat(row.path("source").asText()).isEqualTo(tickets.get(id).path("source").asText());
            assertThat(row.path("label").asText()).isEqualTo(expected.get(id).path("label").asText());
            assertThat(row.path("route").asText()).isEqualTo(expected.get(id).path("route").asText());
        });
    }

    @Test
    void should_answer_every_ticket_with_labels_of_the_flow_and_articles_of_the_knowledge_base() throws IOException {
        // given
        Map<String, JsonNode> tickets = byId(DATA.resolve("support-tickets.jsonl"), "id");
        Map<String, JsonNode> answers = byId(DATA.resolve("support-tickets.model-answers.jsonl"), "id");
        Set<String> articles;
        try (Stream<Path> files = Files.list(EXAMPLES.resolve("knowledge-base/support"))) {
            articles = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".md") && !name.equals("README.md"))
                    .map(name -> name.replaceFirst("\\.md$", "")).collect(Collectors.toSet());
        }

        // then
        assertThat(answers.keySet()).isEqualTo(tickets.keySet());
        assertThat(answers.values()).allSatisfy(row -> {
            assertThat(row.path("key").asText()).isEqualTo(tickets.get(row.path("id").asText()).path("data").path("ticket_id").asText());
            JsonNode classification = row.path("answers").path("classification");
            assertThat(classification.path("label").asText()).isIn(LABELS);
            assertThat(classification.path("confidence").asDouble()).isBetween(0.0, 1.0);
            JsonNode draft = row.path("answers").path("draft");
            assertThat(draft.path("draft").asText().split("\\s+")).as(row.path("id").asText()).hasSizeLessThanOrEqualTo(180);
            assertThat(draft.path("confidence").asDouble()).isBetween(0.0, 1.0);
            draft.path("citations").forEach(citation -> assertThat(articles).contains(citation.asText()));
        });
    }
}
