package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INVOICE = """
            {"invoice_key": "fr61834512907/fa-2026-0414", "invoice_number": "FA-2026-0414",
             "supplier": {"name": "Hébergement Cirrus SAS", "vat_id": "FR61834512907", "country": "FR"},
             "issue_date": "2026-09-06", "due_date": "2026-10-06", "currency": "EUR",
             "net": "725.00", "tax_total": "145.00", "total": "870.00",
             "tax_lines": [{"rate": "20", "base": "725.00", "tax": "145.00"}], "iban": "FR6830004012340001234567812",
             "line_items": [{"description": "Stockage objet 10 To (mois)", "quantity": "3", "unit_price": "210.00", "net": "630.00"}]}""";

    @TempDir
    Path dir;

    private final RecordingPublisher kafka = new RecordingPublisher();

    private TaskSink sink(String yaml) {
        EventSinkFactory.Options options = YamlOptions.bind(EventSinkFactory.Options.class, yaml);
        assertThat(new EventSinkFactory().check(options, new EventSinkContractTest.Environment(dir, kafka))).isEmpty();
        return new EventSinkFactory().create("accepted-invoices", options, new EventSinkContractTest.Environment(dir, kafka));
    }

    private static Task task(String invoice) {
        return new Task(Task.idFor("invoice-intake", "/mail", "email-1", "accepted"), "invoice-intake", "accepted", "accepted-invoices",
                "email-1", "email.received", "Invoice FA-2026-0414", null, "normal", null, null,
                Map.of("invoice", invoice, "invoice_key", "fr61834512907/fa-2026-0414"), null, "2026-10-01T08:00:00Z");
    }

    @Test
    void should_publish_the_field_as_the_event_data_with_the_task_id_as_event_id_when_the_data_passes_its_schema() throws Exception {
        // given
        Task task = task(INVOICE);

        // when
        DeliveryResult result = sink("""
                type: invoice.accepted
                data_field: invoice
                key: "{{ task.fields.invoice_key }}"
                subject: "{{ task.fields.invoice_key }}"
                """).deliver(task);

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        RecordingPublisher.Published published = kafka.published().get(0);
        assertThat(published.topic()).isEqualTo("switchboard.events");
        assertThat(published.key()).isEqualTo("fr61834512907/fa-2026-0414");
        assertThat(new EventParser().parse(published.event().getBytes())).isInstanceOf(EventParser.Accepted.class);
        JsonNode event = JSON.readTree(published.event());
        assertThat(event.path("id").asText()).isEqualTo(task.id());
        assertThat(event.path("type").asText()).isEqualTo("invoice.accepted");
        assertThat(event.path("source").asText()).isEqualTo("/switchboard/workflows/invoice-intake");
        assertThat(event.path("subject").asText()).isEqualTo("fr61834512907/fa-2026-0414");
        assertThat(event.path("time").asText()).isEqualTo("2026-10-01T08:00:00Z");
        assertThat(event.path("data")).isEqualTo(JSON.readTree(INVOICE));
    }

    @Test
    void should_reject_with_the_schema_reason_when_the_data_does_not_pass_its_type_schema() {
        // when
        DeliveryResult result = sink("type: invoice.accepted\ndata_field: invoice").deliver(task(INVOICE.replace("\"EUR\"", "\"euro\"")));

        // then nothing reaches Kafka
        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).contains("invoice.accepted", "currency");
        assertThat(kafka.published()).isEmpty();
    }

    @Test
    void should_reject_when_the_data_field_is_not_a_json_object() {
        // when
        DeliveryResult notJson = sink("type: invoice.accepted\ndata_field: invoice").deliver(task("FA-2026-0414 for 870.00"));
        DeliveryResult array = sink("type: invoice.accepted\ndata_field: invoice").deliver(task("[1, 2]"));

        // then
        assertThat(((DeliveryResult.Rejected) notJson).reason()).contains("is not JSON");
        assertThat(((DeliveryResult.Rejected) array).reason()).contains("holds array, expected a JSON object");
    }

    @Test
    void should_refuse_reserved_and_malformed_types_when_the_options_are_checked() {
        // when
        List<String> reserved = new EventSinkFactory().check(YamlOptions.bind(EventSinkFactory.Options.class, "type: crm.contact.updated"),
                new EventSinkContractTest.Environment(dir, kafka)).stream().map(problem -> problem.message("sinks.x.event")).toList();
        List<String> malformed = new EventSinkFactory().check(YamlOptions.bind(EventSinkFactory.Options.class, "type: Invoice Accepted"),
                new EventSinkContractTest.Environment(dir, kafka)).stream().map(problem -> problem.message("sinks.x.event")).toList();

        // then
        assertThat(reserved).singleElement().asString().contains("Reserved event type 'crm.contact.updated'");
        assertThat(malformed).singleElement().asString().contains("Invalid event type", "'Invoice Accepted'");
    }
}
