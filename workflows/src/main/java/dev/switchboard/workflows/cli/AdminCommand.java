package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The admin API of a running engine, from the command line: each subcommand is one request, its answer printed as JSON. */
@Command(name = "admin", description = "Talks to a running engine's admin API: workflows, pause and resume, dead letters, re-drive, reviews.")
public final class AdminCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    SwitchboardCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081", scope = ScopeType.INHERIT,
            description = "The engine's admin listener (default: ${DEFAULT-VALUE}).")
    String url;

    @Mixin
    AdminTokenOption token;

    @Command(name = "workflows", description = "Lists workflows with state, lag and counters.")
    int workflows() {
        return print(api().get("/admin/workflows"));
    }

    @Command(name = "pause", description = "Stops consuming for a workflow.")
    int pause(@Parameters(paramLabel = "WORKFLOW", description = "The workflow's name.") String name) {
        return print(api().post("/admin/workflows/pause?name=" + AdminApi.encode(name), ""));
    }

    @Command(name = "resume", description = "Starts consuming again for a paused workflow.")
    int resume(@Parameters(paramLabel = "WORKFLOW", description = "The workflow's name.") String name) {
        return print(api().post("/admin/workflows/resume?name=" + AdminApi.encode(name), ""));
    }

    @Command(name = "dead-letters", description = "Shows the latest dead letters with their reasons.")
    int deadLetters(@Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).") int limit) {
        return print(api().get("/admin/dead-letters?limit=" + limit));
    }

    @Command(name = "redrive", description = "Publishes dead letters again to their source topics, given as partition:offset.")
    int redrive(@Parameters(arity = "1..*", paramLabel = "PARTITION:OFFSET", description = "Records as partition:offset, e.g. 0:12.")
                List<String> records) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("records");
        for (String record : records) {
            String[] parts = record.split(":");
            if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
                throw CommandFailure.invalid("Invalid record: got '" + record + "', expected partition:offset, e.g. 0:12");
            }
            list.addObject().put("partition", Integer.parseInt(parts[0])).put("offset", Long.parseLong(parts[1]));
        }
        return print(api().post("/admin/dead-letters/redrive", body.toString()));
    }

    @Command(name = "reviews", description = "Shows the latest records of the review topic.")
    int reviews(@Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).") int limit) {
        return print(api().get("/admin/reviews?limit=" + limit));
    }

    private AdminApi api() {
        return AdminApi.connect(url, token.tokenEnv, cli.environment(), "");
    }

    /** The answer as indented JSON (as it came when it is not JSON), on standard output when it succeeded, else on standard error. */
    private int print(AdminApi.Answer answer) {
        String text = answer.body();
        try {
            JsonNode json = JSON.readTree(text);
            text = json == null ? text : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (Exception notJson) {
            // print as it came
        }
        (answer.ok() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(text);
        return answer.ok() ? 0 : SwitchboardCli.FAILED;
    }
}
