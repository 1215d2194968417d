package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.examples.data.Iban;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * The sample data of the support, sales and finance flows (workflows/examples/data and knowledge-base): every
 * event valid against its schema, unique ids, sidecars that name existing events and articles, the minimum
 * counts, and ground truth that agrees with itself. {@code InvoicePdfsTest} checks that the invoice PDFs are
 * what their deterministic generator writes.
 */
class SampleDataTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final Path DATA = EXAMPLES.resolve("data");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventParser PARSER = new EventParser();
    private static final String CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    @Test
    void should_be_valid_tickets_with_expected_answers_when_support_tickets_are_read() throws IOException {
        // when
        Map<String, JsonNode> tickets = events("support-tickets.jsonl", "ticket.created");
        Map<String, JsonNode> expected = sidecar("support-tickets.expected.jsonl", tickets.keySet());
        Set<String> articles = articles(EXAMPLES.resolve("knowledge-base/support")).keySet();

        // then
        assertThat(tickets).hasSizeGreaterThanOrEqualTo(60);
        for (JsonNode row : expected.values()) {
            assertThat(row.path("route").asText()).as(row.toString()).isIn("auto_resolve", "agent_note", "review");
            assertThat(strings(row.path("kb"))).as(row.toString()).isSubsetOf(articles);
            if (row.path("route").asText().equals("auto_resolve")) {
                assertThat(strings(row.path("kb"))).as("an auto-resolved ticket is answered by an article: %s", row).isNotEmpty();
            }
            if (row.path("sensitive").asBoolean() || row.path("vip").asBoolean()) {
                assertThat(row.path("route").asText()).as("sensitive and VIP tickets go to a person: %s", row).isEqualTo("review");
            }
        }
        assertThat(expected.values()).extracting(row -> row.path("route").asText()).contains("auto_resolve", "agent_note", "review");
        tickets.values().forEach(event -> assertThat(event.at("/data/requester/email").asText()).matches(".*@([a-z0-9-]+\\.)*example\\.(com|org)"));
    }

    @Test
    void should_have_titled_articles_of_150_to_600_words_when_knowledge_bases_are_read() throws IOException {
        // when
        Map<String, String> support = articles(EXAMPLES.resolve("knowledge-base/support"));
        Map<String, String> sales = articles(EXAMPLES.resolve("knowledge-base/sales-playbook"));

        // then
        assertThat(support).hasSizeGreaterThanOrEqualTo(30);
        assertThat(sales).hasSizeGreaterThanOrEqualTo(12);
        Stream.concat(support.entrySet().stream(), sales.entrySet().stream()).forEach(article -> {
            assertThat(article.getValue()).as(article.getKey()).startsWith("# ");
            assertThat(article.getValue().split("\\s+").length).as("words in %s", article.getKey()).isBetween(150, 600);
        });
        assertThat(support.keySet()).filteredOn(id -> id.startsWith("sensitive-")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void should_be_valid_calls_with_expected_notes_when_sales_calls_are_read() throws IOException {
        // given (events() parses each with the engine's parser, which checks call.completed.schema.json)
        Map<String, JsonNode> calls = events("sales-calls.jsonl", "call.completed");
        Map<String, JsonNode> expected = sidecar("sales-calls.expected.jsonl", calls.keySet());
        Set<String> playbook = articles(EXAMPLES.resolve("knowledge-base/sales-playbook")).keySet();

        // then
        assertThat(calls).hasSizeGreaterThanOrEqualTo(50);
        for (JsonNode call : calls.values()) {
            JsonNode data = call.get("data");
            Set<String> people = new HashSet<>(data.findValuesAsText("name"));
            assertThat(data.path("transcript").size()).as(call.path("id").asText()).isBetween(10, 40);
            data.path("transcript").forEach(turn -> assertThat(people).as("speaker of %s", call.path("id").asText()).contains(turn.path("speaker").asText()));
            JsonNode row = expected.get(call.path("id").asText());
            assertThat(row.path("sentiment").asText()).isIn("positive", "neutral", "negative");
            assertThat(row.path("next_steps")).as(row.toString()).isNotEmpty();
            row.path("next_steps").forEach(step -> {
                assertThat(people).as("owner in %s", row.path("id").asText()).contains(step.path("owner").asText());
                assertThat(step.path("due").asText()).as("due in %s", row.path("id").asText()).isGreaterThan(data.path("started_at").asText().substring(0, 10));
            });
            assertThat(strings(row.path("kb"))).isSubsetOf(playbook);
        }
    }

    @Test
    void should_route_leads_by_the_territories_when_leads_and_crm_companies_are_read() throws IOException {
        // given
        Map<String, JsonNode> leads = events("leads.jsonl", "crm.lead.created");
        Map<String, JsonNode> expected = sidecar("leads.expected.jsonl", leads.keySet());
        Map<String, JsonNode> companies = rows(DATA.resolve("crm-companies.jsonl")).stream()
                .collect(Collectors.toMap(row -> row.path("domain").asText(), Function.identity()));
        Map<String, Object> territories;
        try (InputStream in = Files.newInputStream(DATA.resolve("territories.yaml"))) {
            territories = new Yaml().load(in);
        }
        Map<String, String> owners = new HashMap<>();
        for (Object rule : (List<?>) territories.get("territories")) {
            Map<?, ?> map = (Map<?, ?>) rule;
            owners.put(map.get("region") + "/" + map.get("segment"), (String) map.get("owner"));
        }

        // then
        assertThat(leads).hasSizeGreaterThanOrEqualTo(60);
        Set<String> known = ((Map<?, ?>) territories.get("owners")).keySet().stream().map(String::valueOf).collect(Collectors.toSet());
        assertThat(companies.values()).extracting(company -> company.path("owner_id").asText()).allMatch(known::contains);
        for (JsonNode lead : leads.values()) {
            String domain = lead.at("/data/email").asText().replaceAll(".*@", "");
            JsonNode company = companies.get(domain);
            String owner = company == null ? (String) territories.get("fallback")
                    : company.path("named_account").asBoolean() ? company.path("owner_id").asText()
                    : owners.get(company.path("region").asText() + "/" + company.path("size_band").asText());
            JsonNode row = expected.get(lead.path("id").asText());
            assertThat(row.path("owner_id").asText()).as(row.toString()).isEqualTo(owner);
            assertThat(row.path("score_band").asText()).isIn("hot", "warm", "cold");
        }
        assertThat(expected.values()).extracting(row -> row.path("owner_id").asText()).contains((String) territories.get("fallback"));
    }

    @Test
    void should_agree_with_itself_when_invoice_ground_truth_is_read() throws IOException {
        // when
        List<JsonNode> invoices = rows(DATA.resolve("invoices/ground-truth.jsonl"));

        // then
        assertThat(invoices).hasSizeGreaterThanOrEqualTo(50);
        assertThat(invoices).extracting(row -> row.path("defect").asText(null)).filteredOn(defect -> defect != null)
                .containsExactlyInAnyOrder("total_mismatch", "due_before_issue", "bad_iban_checksum", "duplicate_number", "encrypted", "image_only", "malformed");
        Set<String> numbers = new HashSet<>();
        for (JsonNode invoice : invoices) {
            String defect = invoice.path("defect").asText("");
            assertThat(DATA.resolve("invoices").resolve(invoice.path("file").asText())).exists();
            BigDecimal tax = sum(invoice.path("tax_lines"), "tax");
            assertThat(money(invoice, "tax_total")).as(invoice.path("file").asText()).isEqualByComparingTo(tax);
            assertThat(money(invoice, "net")).isEqualByComparingTo(sum(invoice.path("line_items"), "net"));
            assertThat(money(invoice, "total")).isEqualByComparingTo(money(invoice, "net").add(tax));
            assertThat(money(invoice, "printed_total").compareTo(money(invoice, "total")) != 0).as(invoice.path("file").asText()).isEqualTo(defect.equals("total_mismatch"));
            assertThat(invoice.path("due_date").asText().compareTo(invoice.path("issue_date").asText()) < 0).isEqualTo(defect.equals("due_before_issue"));
            if (!invoice.path("iban").isNull()) {
                assertThat(Iban.isValid(invoice.path("iban").asText())).as(invoice.path("file").asText()).isEqualTo(!defect.equals("bad_iban_checksum"));
            }
            boolean repeated = !numbers.add(invoice.at("/supplier/name").asText() + "|" + invoice.path("invoice_number").asText());
            assertThat(repeated).as(invoice.path("file").asText()).isEqualTo(defect.equals("duplicate_number"));
        }
    }

    @Test
    void should_match_the_statement_and_the_invoices_when_expected_bank_matches_are_read() throws Exception {
        // given
        Map<String, JsonNode> invoices = rows(DATA.resolve("invoices/ground-truth.jsonl")).stream()
                .collect(Collectors.toMap(row -> row.path("file").asText(), Function.identity()));
        Map<String, JsonNode> expected = rows(DATA.resolve("bank/expected-matches.jsonl")).stream()
                .collect(Collectors.toMap(row -> row.path("entry").asText(), Function.identity()));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document statement = factory.newDocumentBuilder().parse(DATA.resolve("bank/camt053-statement.xml").toFile());

        // then every statement balances and every entry has its expected row
        assertThat(statement.getDocumentElement().getNamespaceURI()).isEqualTo(CAMT);
        Set<String> entries = new HashSet<>();
        for (Element stmt : children(statement.getDocumentElement(), "Stmt")) {
            String currency = text(stmt, "Ccy");
            Map<String, BigDecimal> balances = new HashMap<>();
            for (Element balance : children(stmt, "Bal")) {
                balances.put(text(balance, "Cd"), signed(balance));
            }
            BigDecimal net = BigDecimal.ZERO;
            List<Element> ntries = children(stmt, "Ntry");
            for (Element ntry : ntries) {
                net = net.add(signed(ntry));
                String ref = text(ntry, "AcctSvcrRef");
                entries.add(ref);
                JsonNode row = expected.get(ref);
                assertThat(row).as("expected row for entry %s", ref).isNotNull();
                assertThat(new BigDecimal(row.path("amount").asText())).as(ref).isEqualByComparingTo(new BigDecimal(text(ntry, "Amt")));
                assertThat(row.path("account_currency").asText()).isEqualTo(currency);
            }
            assertThat(balances.get("OPBD").add(net)).as("%s closing balance", currency).isEqualByComparingTo(balances.get("CLBD"));
            assertThat(Integer.parseInt(text(stmt, "NbOfNtries"))).isEqualTo(ntries.size());
        }
        assertThat(expected.keySet()).isEqualTo(entries);

        // and every match names real invoices in the right currency, with amounts that add up
        for (JsonNode row : expected.values()) {
            String match = row.path("match").asText();
            assertThat(match).isIn("full", "partial", "combined", "batch", "refund", "none");
            BigDecimal owed = BigDecimal.ZERO;
            for (String file : strings(row.path("invoices"))) {
                JsonNode invoice = invoices.get(file);
                assertThat(invoice).as("invoice %s of entry %s", file, row.path("entry").asText()).isNotNull();
                assertThat(invoice.path("currency").asText()).isEqualTo(row.path("account_currency").asText());
                assertThat(strings(row.path("invoice_numbers")).isEmpty() || strings(row.path("invoice_numbers")).contains(invoice.path("invoice_number").asText())).isTrue();
                owed = owed.add(money(invoice, "total"));
            }
            BigDecimal paid = new BigDecimal(row.path("paid").asText());
            switch (match) {
                case "full", "combined", "batch" -> assertThat(paid).as(row.toString()).isEqualByComparingTo(owed);
                case "partial" -> assertThat(owed.subtract(paid)).as(row.toString()).isEqualByComparingTo(new BigDecimal(row.path("outstanding").get(0).asText()));
                default -> assertThat(row.path("direction").asText().equals("CRDT") || row.path("invoices").isEmpty()).isTrue();
            }
        }
        assertThat(expected.values()).extracting(row -> row.path("match").asText()).contains("full", "partial", "combined", "batch", "refund", "none");
    }

    private static Map<String, JsonNode> events(String file, String type) throws IOException {
        Map<String, JsonNode> events = new HashMap<>();
        for (String line : Files.readAllLines(DATA.resolve(file), StandardCharsets.UTF_8)) {
            EventParser.Result result = PARSER.parse(line.getBytes(StandardCharsets.UTF_8));
            assertThat(result).as("%s: %s", file, result).isInstanceOf(EventParser.Accepted.class);
            EventParser.Accepted event = (EventParser.Accepted) result;
            assertThat(event.type()).isEqualTo(type);
            assertThat(events.put(event.id(), event.event())).as("duplicate id %s in %s", event.id(), file).isNull();
        }
        return events;
    }

    private static Map<String, JsonNode> sidecar(String file, Set<String> ids) throws IOException {
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode row : rows(DATA.resolve(file))) {
            assertThat(rows.put(row.path("id").asText(), row)).as("duplicate row %s in %s", row.path("id").asText(), file).isNull();
        }
        assertThat(rows.keySet()).as("ids in %s", file).isEqualTo(ids);
        return rows;
    }

    private static List<JsonNode> rows(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    /** Articles by id (file name without .md); the README is not an article. */
    private static Map<String, String> articles(Path folder) throws IOException {
        Map<String, String> articles = new HashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md") && !f.getFileName().toString().equals("README.md")).toList()) {
                articles.put(file.getFileName().toString().replaceFirst("\\.md$", ""), Files.readString(file));
            }
        }
        return articles;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static BigDecimal money(JsonNode row, String field) {
        return new BigDecimal(row.path(field).asText());
    }

    private static BigDecimal sum(JsonNode rows, String field) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : rows) {
            sum = sum.add(money(row, field));
        }
        return sum;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagNameNS(CAMT, name);
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static String text(Element parent, String name) {
        return children(parent, name).get(0).getTextContent().trim();
    }

    /** An entry's or balance's first amount, negative when it is a debit. */
    private static BigDecimal signed(Element element) {
        BigDecimal amount = new BigDecimal(text(element, "Amt"));
        return text(element, "CdtDbtInd").equals("DBIT") ? amount.negate() : amount;
    }
}
