package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The admin API of a running engine, from the command line. */
@Command(name = "admin", description = "Talks to a running engine's admin API: workflows, pause/resume, dead letters, re-drive, reviews.",
        subcommands = {AdminCommand.Workflows.class, AdminCommand.Pause.class, AdminCommand.Resume.class,
                AdminCommand.DeadLetters.class, AdminCommand.Redrive.class, AdminCommand.Reviews.class})
public final class AdminCommand {

    @Option(names = "--url", description = "The engine's HTTP listener.", defaultValue = "http://127.0.0.1:8080", scope = CommandLine.ScopeType.INHERIT)
    String url;

    @Option(names = "--token-env", description = "Environment variable holding the admin token.", defaultValue = "SWITCHBOARD_ADMIN_TOKEN",
            scope = CommandLine.ScopeType.INHERIT)
    String tokenEnv;

    private static final ObjectMapper JSON = new ObjectMapper();

    int call(CommandLine.Model.CommandSpec spec, String method, String path, String body) throws Exception {
        String token = System.getenv(tokenEnv);
        if (token == null || token.isBlank()) {
            spec.commandLine().getErr().println("Set " + tokenEnv + " to the engine's admin token");
            return 2;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        request = method.equals("POST")
                ? request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                : request.GET();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        try {
            text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(text));
        } catch (Exception notJson) {
            // print as it came
        }
        (response.statusCode() < 300 ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(text);
        return response.statusCode() < 300 ? 0 : 1;
    }

    @Command(name = "workflows", description = "Lists workflows with state, lag and counters.")
    static final class Workflows implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return parent.call(spec, "GET", "/admin/workflows", null);
        }
    }

    @Command(name = "pause", description = "Stops consuming for a workflow.")
    static final class Pause implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "Workflow name.")
        String name;

        @Override
        public Integer call() throws Exception {
            return parent.call(spec, "POST", "/admin/workflows/pause?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), "");
        }
    }

    @Command(name = "resume", description = "Starts consuming again for a paused workflow.")
    static final class Resume implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "Workflow name.")
        String name;

        @Override
        public Integer call() throws Exception {
            return parent.call(spec, "POST", "/admin/workflows/resume?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), "");
        }
    }

    @Command(name = "dead-letters", description = "Shows the latest dead letters with their reasons.")
    static final class DeadLetters implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() throws Exception {
            return parent.call(spec, "GET", "/admin/dead-letters?limit=" + limit, null);
        }
    }

    @Command(name = "redrive", description = "Publishes dead letters again to their source topics, given as partition:offset.")
    static final class Redrive implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", description = "Records as partition:offset, e.g. 0:12.")
        List<String> records;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode list = body.putArray("records");
            for (String record : records) {
                String[] parts = record.split(":");
                if (parts.length != 2) {
                    spec.commandLine().getErr().println("Expected partition:offset, got '" + record + "'");
                    return 2;
                }
                list.addObject().put("partition", Integer.parseInt(parts[0])).put("offset", Long.parseLong(parts[1]));
            }
            return parent.call(spec, "POST", "/admin/dead-letters/redrive", body.toString());
        }
    }

    @Command(name = "reviews", description = "Shows the latest records of the review topic.")
    static final class Reviews implements Callable<Integer> {
        @CommandLine.ParentCommand
        AdminCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() throws Exception {
            return parent.call(spec, "GET", "/admin/reviews?limit=" + limit, null);
        }
    }
}
