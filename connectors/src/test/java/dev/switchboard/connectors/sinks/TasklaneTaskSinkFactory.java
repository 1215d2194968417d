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
import java.util.regex.Pattern;

/** Makes {@link TasklaneTaskSink}s: a task in a Tasklane project per task. The example of {@code docs/adding-a-sink.md}. */
public final class TasklaneTaskSinkFactory extends CrmSinkFactory<TasklaneTaskSinkFactory.Options> {

    private static final Pattern PROJECT_ID = Pattern.compile("prj_[a-z0-9]{8,32}");

    public TasklaneTaskSinkFactory() {
        super(Options.class, "base_url", Options::baseUrl, TasklaneTaskSink::new);
    }

    @Documentation(name = "tasklane",
            summary = "Creates a task in a Tasklane project per task; exactly once through Tasklane's Idempotency-Key header.",
            description = """
                    Maps `title` → `title`, `body` → `notes`, the due date → `due_on`, `priority` → `priority` (low, \
                    normal, high; urgent becomes high). The task id is sent as `Idempotency-Key`: Tasklane answers a \
                    repeated key with the task it created the first time. The token (a Tasklane API key with the \
                    `tasks:write` scope) is sent as `Authorization: Bearer`. Add `api.tasklane.example` to \
                    `outbound.allowed_hosts`.""")
    @Example(title = "Follow-ups in the Support project", yaml = """
            support-follow-ups:
              tasklane:
                token_env: TASKLANE_API_KEY
                project_id: prj_7c1d04e2b9
            """)
    public record Options(
            @OptionGroup HttpCredentials credentials,
            @Option(description = "Tasklane API address; its host must be in `outbound.allowed_hosts`.",
                    defaultValue = "https://api.tasklane.example")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "The project the tasks are created in (`prj_…`, from the project's settings).", required = true)
            @JsonProperty("project_id") String projectId,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        if (PROJECT_ID.matcher(options.projectId()).matches()) {
            return List.of();
        }
        return List.of(OptionProblem.at("project_id", "Invalid project id").got(options.projectId())
                .expected("a Tasklane project id such as prj_7c1d04e2b9").fix("Copy it from the project's settings"));
    }
}
