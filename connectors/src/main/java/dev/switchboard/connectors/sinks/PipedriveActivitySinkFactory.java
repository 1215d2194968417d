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
 * Makes {@link PipedriveActivitySink}s: a Pipedrive activity per task (API v1), linked to the
 * person, organization and deal in the task's fields.
 */
public final class PipedriveActivitySinkFactory extends CrmSinkFactory<PipedriveActivitySinkFactory.Options> {

    public PipedriveActivitySinkFactory() {
        super(Options.class, "base_url", Options::baseUrl, PipedriveActivitySink::new);
    }

    @Documentation(name = "pipedrive", summary = "Creates a Pipedrive activity per task, linked to the person, organization and deal in the task's fields; exactly once by looking for the task id first.",
            description = """
                    Maps `title` → `subject`, `body` → `note` (escaped HTML, ending with the task id), the due date →
                    `due_date` (and `due_time` in UTC when it has a time; no due date: the day the task was made),
                    `owner` → `user_id` when it is a numeric user id (else `default_user_id`), task fields
                    `pipedrive_person_id`, `pipedrive_org_id` and `pipedrive_deal_id` → `person_id`, `org_id`, `deal_id`.

                    Setup: an API token (Personal preferences → API) in `token_env` or `token_file`, sent as the
                    `x-api-token` header; the company domain (or `api.pipedrive.com`) in `outbound.allowed_hosts`.
                    With `deduplicate`, each delivery first lists that day's activities of the user and type (one GET);
                    turn it off only where a rare duplicate is cheaper than the extra request.
                    """)
    @Example(title = "Follow-up activities in Pipedrive", yaml = """
            pipedrive-activities:
              pipedrive:
                base_url: https://acme.pipedrive.com
                token_env: PIPEDRIVE_API_TOKEN
                activity_type: task
                default_user_id: 1234567
            """)
    public record Options(
            @OptionGroup HttpCredentials credentials,
            @Option(description = "Pipedrive API base URL: the company domain (`https://acme.pipedrive.com`) or the default; its host must be in `outbound.allowed_hosts`.", defaultValue = "https://api.pipedrive.com")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "Activity type key (`key_string` of an activity type: task, call, meeting, email, deadline, ...).", defaultValue = "task")
            @JsonProperty("activity_type") String activityType,
            @Option(description = "Pipedrive user id for tasks whose owner is not a numeric user id or is missing; without it the token's user gets them.", minimum = 1)
            @JsonProperty("default_user_id") Long defaultUserId,
            @Option(description = "Look for the task id among the day's activities before creating one, so a redelivered task is not created twice.", defaultValue = "true")
            Boolean deduplicate,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        if (options.activityType().matches("[a-z0-9_]+")) {
            return List.of();
        }
        return List.of(OptionProblem.at("activity_type", "Invalid activity type").got(options.activityType())
                .expected("an activity type's key_string such as task or call"));
    }
}
