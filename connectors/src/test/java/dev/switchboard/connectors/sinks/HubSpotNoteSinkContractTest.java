package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sink contract for HubSpot's CRM v3 notes API (the task id in a unique note property), and the notes' own shape. */
class HubSpotNoteSinkContractTest extends AbstractHttpTaskSinkContractTest<HubSpotNoteSinkFactory.Options> {

    private static final String TOKEN = "pat-na1-66666666-7777-8888-9999-000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<HubSpotNoteSinkFactory.Options> factory() {
        return new HubSpotNoteSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                token_env: HUBSPOT_TOKEN
                base_url: "%s"
                default_owner_id: "64492917"
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("HUBSPOT_TOKEN", TOKEN);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlEqualTo(HubSpotNoteSink.PATH)).willReturn(json(201, """
                {"id":"88012","properties":{"hs_createdate":"2026-10-05T21:35:02.114Z","hs_lastmodifieddate":"2026-10-05T21:35:02.114Z",
                 "hs_note_body":"<p><strong>Call</strong></p>","hs_timestamp":"2026-10-05T21:34:43Z"},
                 "createdAt":"2026-10-05T21:35:02.114Z","updatedAt":"2026-10-05T21:35:02.114Z","archived":false}""")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"status\":\"error\",\"message\":\"" + message + "\",\"correlationId\":\"aeb5f871-7f07-4993-9211-075dc63e7cbf\","
                + "\"category\":\"VALIDATION_ERROR\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> {
            try {
                return JSON.readTree(request.getBodyAsString()).path("properties").path("switchboard_task_id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    // ---- HubSpot's own cases ------------------------------------------------------------------------

    private static Task callNote(Map<String, Object> fields, String owner, String body) {
        return new Task(Task.idFor("sales-call-followup", "/calls/zoom", "evt-call-1", "call-note"), "sales-call-followup", "call-note", "crm",
                "evt-call-1", "call.completed", "Call summary: Discovery call <Kettle & Co.>", body, "normal", null, owner, fields,
                null, "2026-10-05T21:34:43Z");
    }

    @Test
    void should_post_the_note_in_hubspot_shape_with_its_associations_when_a_task_is_delivered() {
        // given
        Task task = callNote(Map.of("hubspot_deal_id", "9008245223", "hubspot_contact_id", "666023", "hubspot_company_id", 13014699281.0),
                "Jordan Reyes", "Key points:\n- 4 users & 180 invoices a month");

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HubSpot note 88012 (HTTP 201)"));
        destination.verify(postRequestedFor(urlEqualTo(HubSpotNoteSink.PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {
                          "properties": {
                            "hs_timestamp": "2026-10-05T21:34:43Z",
                            "hs_note_body": "<p><strong>Call summary: Discovery call &lt;Kettle &amp; Co.&gt;</strong></p><p>Key points:<br>- 4 users &amp; 180 invoices a month</p>",
                            "hubspot_owner_id": "64492917",
                            "switchboard_task_id": "%s"
                          },
                          "associations": [
                            {"to": {"id": "666023"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]},
                            {"to": {"id": "13014699281"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 190}]},
                            {"to": {"id": "9008245223"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}]}
                          ]
                        }""".formatted(task.id()))));
    }

    @Test
    void should_count_the_note_as_delivered_when_hubspot_refuses_a_second_one_with_the_task_id() {
        // given the unique note property already holds this task id
        destination.stubFor(post(urlEqualTo(HubSpotNoteSink.PATH)).atPriority(1).willReturn(json(409, """
                {"status":"error","message":"Object already exists. Existing ID: 88012","correlationId":"4a3c1ce5-8d4c-4b7d-9a1d-0e7b1c1c2f3a","category":"CONFLICT"}""")));

        // when
        DeliveryResult result = sink.deliver(callNote(Map.of(), null, "b"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).isEqualTo("HubSpot already has the note with switchboard_task_id "
                        + callNote(Map.of(), null, "b").id() + " (note 88012) (HTTP 409)"));
    }

    @Test
    void should_reject_with_hubspot_message_when_the_unique_note_property_is_missing() {
        // given the portal was not set up: no switchboard_task_id property on notes
        destination.stubFor(post(urlEqualTo(HubSpotNoteSink.PATH)).atPriority(1).willReturn(json(400, """
                {"status":"error","message":"Property values were not valid: [{\\"isValid\\":false,\\"message\\":\\"Property \\\\\\"switchboard_task_id\\\\\\" does not exist\\",\\"error\\":\\"PROPERTY_DOESNT_EXIST\\",\\"name\\":\\"switchboard_task_id\\"}]","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR"}""")));

        // when
        DeliveryResult result = sink.deliver(callNote(Map.of(), null, "b"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("PROPERTY_DOESNT_EXIST", "[VALIDATION_ERROR]", "HTTP 400"));
    }

    @Test
    void should_take_a_numeric_owner_and_leave_associations_empty_when_the_task_names_no_record() {
        // when
        sink.deliver(callNote(Map.of(), "1234567", "b"));

        // then
        destination.verify(postRequestedFor(urlEqualTo(HubSpotNoteSink.PATH))
                .withRequestBody(matchingJsonPath("$.properties.hubspot_owner_id", equalTo("1234567")))
                .withRequestBody(matchingJsonPath("$.associations.length()", equalTo("0"))));
    }

    @Test
    void should_cut_a_long_body_to_hubspot_limit_without_breaking_an_entity_when_the_note_is_too_long() {
        // given a body whose escaped form is far over 65,536 characters
        Task task = callNote(Map.of(), null, "&".repeat(40_000));

        // when
        String html = HubSpotNoteSink.noteBody(task);

        // then
        assertThat(html).hasSizeLessThanOrEqualTo(HubSpotNoteSink.MAX_BODY).endsWith("&amp;…</p>");
    }

    @Test
    void should_refuse_an_owner_id_that_is_not_numeric_when_checked() {
        // when
        var problems = new HubSpotNoteSinkFactory().check(YamlOptions.bind(HubSpotNoteSinkFactory.Options.class, """
                token_env: HUBSPOT_TOKEN
                base_url: "%s"
                default_owner_id: jordan.reyes@northwind.example.com
                """.formatted(baseUrl())), environment());

        // then
        assertThat(problems).extracting(Object::toString).containsExactly(
                "Invalid owner id at default_owner_id: got 'jordan.reyes@northwind.example.com', expected a numeric HubSpot owner id");
    }
}
