package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.camel.CamelEndpointPolicy;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Makes {@link CamelEndpointSink}s, the escape hatch: each task, as JSON in the message body, to any
 * Camel endpoint ({@code slack:#ops?webhookUrl=...}, {@code jms:queue:tasks}, {@code aws2-sqs:tasks}, ...)
 * whose component is on the classpath and whose scheme {@link CamelEndpointPolicy} allows.
 */
public final class CamelEndpointSinkFactory implements SinkFactory<CamelEndpointSinkFactory.Options> {

    @Documentation(name = "camel", summary = "Sends each task as JSON to any Camel endpoint whose scheme is listed in outbound.camel_schemes (Slack, JMS, SQS, ...).",
            description = """
                    The escape hatch for destinations without a dedicated sink. The message body is the task as JSON;
                    the only header set is `Content-Type: application/json`, and nothing from the task becomes a header.
                    The component's jar must be on the classpath (`org.apache.camel:camel-<scheme>`, Camel's version).

                    Allowed schemes are engine configuration (`outbound.camel_schemes`), not sink options, so a sink
                    cannot allow itself. `file`, `exec`, `bean`, `class`, `language`, `sql` and the other components that
                    reach the filesystem, run commands or evaluate code are refused even when listed. An http(s) URL in
                    the endpoint URI (the http component's address, Slack's `webhookUrl`) must pass
                    `outbound.allowed_hosts` too. Put URIs that carry credentials in `uri_env` or `uri_file`.

                    Idempotency depends on the endpoint: the task id is in the body (`id`) for the receiver to drop repeats.
                    """)
    @Example(title = "Slack channel through camel-slack, webhook URL from the environment", yaml = """
            ops-slack:
              camel:
                uri_env: SLACK_CAMEL_URI
            """)
    @Example(title = "A JMS queue", yaml = """
            tasks-queue:
              camel:
                uri: jms:queue:switchboard.tasks?deliveryMode=2
            """)
    public record Options(
            @Option(description = "The Camel endpoint URI, e.g. `jms:queue:tasks`. Its scheme must be listed in `outbound.camel_schemes`; use `uri_env` or `uri_file` when it carries credentials.")
            String uri,
            @Option(description = "Environment variable holding the endpoint URI.", secret = true)
            @JsonProperty("uri_env") String uriEnv,
            @Option(description = "File holding the endpoint URI (a mounted secret).", secret = true)
            @JsonProperty("uri_file") String uriFile) {
    }

    @Override
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        int given = (options.uri() != null ? 1 : 0) + (options.uriEnv() != null ? 1 : 0) + (options.uriFile() != null ? 1 : 0);
        if (given != 1) {
            return List.of(OptionProblem.at("uri", given == 0 ? "Missing endpoint" : "Conflicting options")
                    .expected("exactly one of uri, uri_env or uri_file, got " + given));
        }
        Optional<String> uri = endpointUri(options, environment);
        if (uri.isEmpty()) {
            return Secret.check("uri", options.uriEnv(), options.uriFile(), true, environment.baseDir(), environment::secret);
        }
        return policy(environment).check(option(options), uri.get());
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        String uri = endpointUri(options, environment).orElseThrow(() -> new IllegalStateException(
                "No Camel endpoint URI for sink '" + name + "' in " + option(options)));
        List<OptionProblem> problems = policy(environment).check(option(options), uri);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Sink '" + name + "': " + problems.stream().map(OptionProblem::toString).collect(Collectors.joining("; ")));
        }
        return new CamelEndpointSink(name, uri);
    }

    private static CamelEndpointPolicy policy(SinkEnvironment environment) {
        return new CamelEndpointPolicy(environment.allowedCamelSchemes(), environment.allowedHosts());
    }

    private static Optional<String> endpointUri(Options options, SinkEnvironment environment) {
        if (options.uri() != null) {
            return Optional.of(options.uri().strip());
        }
        return Secret.of("uri", options.uriEnv(), options.uriFile(), environment.baseDir(), environment::secret).flatMap(Secret::value);
    }

    private static String option(Options options) {
        return options.uriEnv() != null ? "uri_env" : options.uriFile() != null ? "uri_file" : "uri";
    }
}
