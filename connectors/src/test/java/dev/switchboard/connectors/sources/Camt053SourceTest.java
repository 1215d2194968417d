package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a posted statement becomes: which entries, which event types, what data, and what is refused. */
class Camt053SourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] STATEMENT = Fixtures.bytes("camt053/statement-v08.xml");

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @AfterEach
    void close() {
        source.close();
    }

    @Test
    void should_publish_only_the_credits_as_payment_received_when_entries_is_left_at_its_default() throws Exception {
        // given
        start("");

        // when
        HttpIngress.Response response = post(STATEMENT);

        // then the two credits of the statement, one per transaction of its batch entry
        assertThat(response.status()).isEqualTo(202);
        List<JsonNode> events = events();
        assertThat(events).extracting(event -> event.path("type").asText()).containsOnly("payment.received");
        assertThat(events).extracting(event -> event.path("data").path("payment_id").asText()).containsExactly(
                "FR7630004000031234567890143/REF-0001", "FR7630004000031234567890143/REF-0003/1", "FR7630004000031234567890143/REF-0003/2");
        JsonNode first = events.stream().filter(event -> event.path("subject").asText().endsWith("REF-0001")).findFirst().orElseThrow();
        assertThat(first.path("source").asText()).isEqualTo("/bank/camt053");
        assertThat(first.path("subject").asText()).isEqualTo("FR7630004000031234567890143/REF-0001");
        assertThat(first.path("time").asText()).isEqualTo("2026-10-21T00:00:00Z");
        assertThat(first.path("data").path("amount").asText()).isEqualTo("588.00");
        assertThat(first.path("data").path("counterparty").path("name").asText()).isEqualTo("Brightside Bakery Ltd");
        assertThat(first.path("data").path("remittance").path("unstructured").asText()).isEqualTo("Invoice NW-2026-1042 thank you");
        assertThat(first.path("data").path("references").path("entry").asText()).isEqualTo("REF-0001");
        assertThat(environment.published()).extracting(RecordingEnvironment.Published::key).containsOnly("FR7630004000031234567890143");
        assertThat(environment.published()).extracting(RecordingEnvironment.Published::json).as("the amount's digits as the bank wrote them")
                .anySatisfy(json -> assertThat(json).contains("\"amount\":\"588.00\""));
    }

    @Test
    void should_publish_debits_as_payment_sent_when_entries_is_all() throws Exception {
        // given
        start("entries: all");

        // when
        post(STATEMENT);

        // then
        assertThat(events()).extracting(event -> event.path("type").asText() + " " + event.path("data").path("direction").asText())
                .containsExactly("payment.received credit", "payment.sent debit", "payment.received credit", "payment.received credit",
                        "payment.sent debit");
    }

    @Test
    void should_answer_400_naming_the_entry_and_publish_nothing_when_one_entry_cannot_be_read() throws Exception {
        // given
        start("entries: all");
        byte[] broken = new String(STATEMENT, StandardCharsets.UTF_8).replace("<BookgDt><Dt>2026-10-23</Dt></BookgDt>", "")
                .getBytes(StandardCharsets.UTF_8);

        // when
        HttpIngress.Response response = post(broken);

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("Ntry[2] (REF-0002): no booking date");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_200_and_publish_nothing_when_the_statement_has_no_entry_it_takes() throws Exception {
        // given only debits are taken, and the statement has only credits
        start("entries: debits");
        byte[] creditsOnly = Fixtures.bytes("camt053/statement-v02.xml");
        String text = new String(creditsOnly, StandardCharsets.UTF_8).replace("<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        "
                + "<BookgDt><Dt>2026-11-05", "<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-11-05");

        // when
        HttpIngress.Response response = post(text.getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("No booked debits in statement TEST-STMT-02");
        assertThat(environment.published()).isEmpty();
    }

    private void start(String options) throws Exception {
        environment = new RecordingEnvironment(dir, Map.of("BANK_TOKEN", "t0ken-for-the-bank-upload"));
        Camt053SourceFactory factory = new Camt053SourceFactory();
        Camt053SourceFactory.Options bound = YamlOptions.bind(Camt053SourceFactory.Options.class,
                options + "\nauth: {secret_env: BANK_TOKEN}\n");
        assertThat(factory.check(bound, environment)).isEmpty();
        source = factory.create("bank", bound, environment);
        source.start();
    }

    private HttpIngress.Response post(byte[] body) throws Exception {
        return environment.route("/webhooks/camt053").handle(Requests.post("/webhooks/camt053").body(body)
                .header("Content-Type", "application/xml; charset=UTF-8").header("Authorization", "Bearer t0ken-for-the-bank-upload").build());
    }

    private List<JsonNode> events() {
        return environment.published().stream().map(published -> {
            try {
                return JSON.readTree(published.event());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}
