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
 * Makes {@link HubSpotTaskSink}s: a HubSpot task per Switchboard task, with the CRM v3 objects API,
 * associated with the contact, company, deal or ticket named in the task's fields.
 */
public final class HubSpotTaskSinkFactory extends CrmSinkFactory<HubSpotTaskSinkFactory.Options> {

    public HubSpotTaskSinkFactory() {
        super(Options.class, "base_url", Options::baseUrl, HubSpotTaskSink::new);
    }

    @Documentation(name = "hubspot", summary = "Creates a HubSpot task (CRM v3) per task, associated with the contact, company, deal or ticket in the task's fields; exactly once through a unique task property.",
            description = """
                    Maps `title` → `hs_task_subject`, `body` → `hs_task_body` (escaped HTML), due date → `hs_timestamp`
                    (a date alone becomes 12:00 UTC; no due date: the task's creation time), `priority` → `hs_task_priority`
                    (low → LOW, normal → MEDIUM, high and urgent → HIGH), `owner` → `hubspot_owner_id` when it is a numeric
                    owner id (else `default_owner_id`). Task fields `hubspot_contact_id`, `hubspot_company_id`,
                    `hubspot_deal_id` and `hubspot_ticket_id` become associations (type ids 204, 192, 216, 230).

                    Setup, once per portal: a private app allowed to write tasks (the scopes the tasks API lists), its
                    token in `token_env` or `token_file` (sent as `Authorization: Bearer`), and a unique task property for the task id:
                    `POST /crm/v3/properties/tasks` with `{"name": "switchboard_task_id", "label": "Switchboard task id",
                    "type": "string", "fieldType": "text", "groupName": "task_information", "hasUniqueValue": true}`.
                    Add `api.hubapi.com` to `outbound.allowed_hosts`.
                    """)
    @Example(title = "Tasks for the lead's owner in HubSpot", yaml = """
            hubspot-tasks:
              hubspot:
                token_env: HUBSPOT_PRIVATE_APP_TOKEN
                task_type: TODO
                default_owner_id: "64492917"
            """)
    @Example(title = "Token from a mounted secret, own id property", yaml = """
            hubspot-tasks:
              hubspot:
                token_file: /run/secrets/hubspot-token
                timeout_seconds: 15
                id_property: ops_automation_task_id
            """)
    public record Options(
            @OptionGroup HttpCredentials credentials,
            @Option(description = "HubSpot API base URL; its host must be in `outbound.allowed_hosts`.", defaultValue = "https://api.hubapi.com")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "HubSpot task type (`hs_task_type`).", defaultValue = "TODO", allowed = {"TODO", "CALL", "EMAIL"})
            @JsonProperty("task_type") String taskType,
            @Option(description = "HubSpot owner id for tasks whose owner is not a numeric owner id (an email, say) or is missing.")
            @JsonProperty("default_owner_id") String defaultOwnerId,
            @Option(description = "The unique (`hasUniqueValue`) task property that holds the Switchboard task id and makes delivery idempotent.", defaultValue = "switchboard_task_id")
            @JsonProperty("id_property") String idProperty,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        return HubSpotIds.problems(options.idProperty(), options.defaultOwnerId());
    }
}
