package dev.switchboard.llm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator.Message;
import dev.switchboard.llm.sim.ModelSimulator.Request;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Canned answers: picked by the key in the request and the schema it asks for, citing only what the request shows. */
class CannedAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TICKET = Pattern.compile("Ticket ([A-Za-z0-9-]+):");
    private static final String FIXTURE = """
            {"key": "48210", "answers": {"classification": {"label": "billing", "confidence": 0.91}, \
            "draft": {"draft": "Open Settings, Billing, Invoices.", "citations": ["billing-invoices-download", "billing-vat"], "confidence": 0.9}}}
            {"key": "mail-0001", "answers": {"classification": {"label": "refund", "confidence": 0.99}}}
            """;

    private final CannedAnswers answers;

    CannedAnswersTest() throws IOException {
        answers = CannedAnswers.read(new StringReader(FIXTURE), TICKET);
    }

    private static Request request(String schema, String system, String... users) throws IOException {
        JsonNode format = JSON.readTree("{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"" + schema + "\", \"schema\": "
                + "{\"type\": \"object\", \"properties\": {\"label\": {\"type\": \"string\", \"enum\": [\"billing\", \"bug\"]}}}}}");
        List<Message> messages = new java.util.ArrayList<>(List.of(new Message("system", system)));
        for (String user : users) {
            messages.add(new Message("user", user));
        }
        return new Request("/v1/chat/completions", "sim", messages, null, format, null, "{}", 0);
    }

    @Test
    void should_answer_from_the_row_of_the_key_for_the_schema_asked() throws IOException {
        // when
        String classification = answers.apply(request("classification", "Classify.", "<text>\nTicket 48210: Invoices\n</text>"));
        String offLabel = answers.apply(request("classification", "Classify.", "<text>\nTicket mail-0001: Charged twice\n</text>"));

        // then wrong labels are sent as written, as a model would
        assertThat(JSON.readTree(classification)).isEqualTo(JSON.readTree("{\"label\": \"billing\", \"confidence\": 0.91}"));
        assertThat(JSON.readTree(offLabel).path("label").asText()).isEqualTo("refund");
    }

    @Test
    void should_cite_only_the_articles_the_request_shows() throws IOException {
        // when
        String draft = answers.apply(request("draft", "Articles:\n<article id=\"billing-invoices-download\">\n...\n</article>\n",
                "<text>\nTicket 48210: Invoices\n</text>"));

        // then
        assertThat(JSON.readTree(draft)).isEqualTo(JSON.readTree(
                "{\"draft\": \"Open Settings, Billing, Invoices.\", \"citations\": [\"billing-invoices-download\"], \"confidence\": 0.9}"));
    }

    @Test
    void should_hand_over_without_citations_when_none_of_its_articles_is_shown() throws IOException {
        // when
        String draft = answers.apply(request("draft", "Articles:\n<article id=\"howto-api-keys\">\n...\n</article>\n",
                "<text>\nTicket 48210: Invoices\n</text>"));

        // then
        JsonNode answer = JSON.readTree(draft);
        assertThat(answer.path("citations")).isEmpty();
        assertThat(answer.path("confidence").asDouble()).isEqualTo(0.3);
        assertThat(answer.path("draft").asText()).contains("A colleague will look into it");
    }

    @Test
    void should_find_the_key_in_an_earlier_user_message_when_the_request_is_a_repair_turn() throws IOException {
        // when
        String repaired = answers.apply(request("classification", "Classify.", "<text>\nTicket mail-0001: Charged twice\n</text>",
                "That answer is invalid: has label 'refund'. Answer again."));

        // then
        assertThat(JSON.readTree(repaired).path("label").asText()).isEqualTo("refund");
    }

    @Test
    void should_give_the_default_answer_for_an_unknown_key_or_schema() throws IOException {
        // given
        Request unknownKey = request("classification", "Classify.", "<text>\nTicket 99999: Hello\n</text>");
        Request unknownSchema = request("summary", "Summarize.", "<text>\nTicket 48210: Invoices\n</text>");

        // then
        assertThat(answers.apply(unknownKey)).isEqualTo(ModelSimulator.defaultAnswer(unknownKey));
        assertThat(answers.apply(unknownSchema)).isEqualTo(ModelSimulator.defaultAnswer(unknownSchema));
    }

    @Test
    void should_refuse_a_fixture_row_without_key_or_answers() {
        assertThatThrownBy(() -> CannedAnswers.read(new StringReader("{\"key\": \"1\"}\n"), TICKET))
                .isInstanceOf(IOException.class).hasMessage("Line 1 of the canned answers has no text 'key' and object 'answers'");
    }
}
