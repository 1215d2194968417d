package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;

/**
 * Makes {@link HubSpotNoteSink}s: a HubSpot note per Switchboard task, with the CRM v3 notes API, on the
 * timeline of the contact, company, deal or ticket named in the task's fields.
 */
public final class HubSpotNoteSinkFactory extends CrmSinkFactory<HubSpotNoteSinkFactory.Options> {

    public HubSpotNoteSinkFactory() {
        super(Options.class, "base_url", Options::baseUrl, HubSpotNoteSink::new);
    }

    @Documentation(name = "hubspot-note", summary = "Logs a HubSpot note (CRM v3) per task on the timeline of the contact, company, deal or ticket in the task's fields; exactly once through a unique note property.",
            description = """
                    For call notes and other records of what happened, rather than work to do. Maps `title` and `body` to
                    `hs_note_body` (the title in bold, then the body; escaped HTML, at most 65,536 characters), the task's
                    creation time (its event's time, the call's end) to `hs_timestamp`, which places the note on the
                    timeline, and `owner` to `hubspot_owner_id` when it is a numeric owner id (else `default_owner_id`).
                    Task fields `hubspot_contact_id`, `hubspot_company_id`, `hubspot_deal_id` and `hubspot_ticket_id`
                    become associations (note-to-object type ids 202, 190, 214, 228).

                    Setup, once per portal: a private app allowed to write notes, its token in `token_env` or
                    `token_file` (sent as `Authorization: Bearer`), and a unique note property for the task id:
                    `POST /crm/v3/properties/notes` with `{"name": "switchboard_task_id", "label": "Switchboard task id",
                    "type": "string", "fieldType": "text", "groupName": "note_information", "hasUniqueValue": true}`.
                    HubSpot then refuses a second note with the same task id, and that refusal counts as delivered.
                    Add `api.hubapi.com` to `outbound.allowed_hosts`.
                    """)
    @Example(title = "Call notes on the deal's timeline", yaml = """
            hubspot-call-notes:
              hubspot-note:
                token_env: HUBSPOT_PRIVATE_APP_TOKEN
                default_owner_id: "64492917"
            """)
    public record Options(
            @OptionGroup HttpCredentials credentials,
            @Option(description = "HubSpot API base URL; its host must be in `outbound.allowed_hosts`.", defaultValue = "https://api.hubapi.com")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "HubSpot owner id for notes whose owner is not a numeric owner id (a name or an email, say) or is missing.")
            @JsonProperty("default_owner_id") String defaultOwnerId,
            @Option(description = "The unique (`hasUniqueValue`) note property that holds the Switchboard task id and makes delivery idempotent.",
                    defaultValue = "switchboard_task_id")
            @JsonProperty("id_property") String idProperty,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        return HubSpotIds.problems(options.idProperty(), options.defaultOwnerId());
    }
}
