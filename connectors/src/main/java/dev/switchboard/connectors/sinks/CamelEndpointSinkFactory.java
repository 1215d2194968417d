package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The escape hatch: sends each task, as JSON in the message body, to any Camel endpoint
 * ({@code slack:#ops?webhookUrl=...}, {@code jms:queue:tasks}, {@code aws2-sqs:tasks}, ...) whose
 * component is on the classpath. Allowed only for schemes listed in {@code outbound.camel_schemes};
 * schemes that reach the local filesystem, run commands or evaluate code are refused even when
 * listed. No header taken from the task reaches the endpoint, so event data cannot steer it
 * (a {@code CamelFileName} or {@code CamelHttpUri} in a task's fields stays in the body).
 */
public final class CamelEndpointSink implements SinkFactory<CamelEndpointSink.Options> {

    /** Filesystem, shell, code, SQL and remote-shell components: never, whatever the configuration lists. */
    static final Set<String> REFUSED = Set.of(
            "file", "file-watch", "ftp", "ftps", "sftp", "scp", "ssh", "exec", "docker",
            "bean", "class", "language", "sql", "sql-stored", "jdbc", "spring-jdbc", "mybatis", "jpa",
            "controlbus", "stream", "groovy", "joor", "mvel", "ognl", "xslt", "xslt-saxon", "velocity",
            "freemarker", "mustache", "string-template", "chunk", "jslt", "jsonata", "jte", "thymeleaf", "python", "js");
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);
    private static final Pattern HTTP_URL = Pattern.compile("(?i)\\bhttps?://[^\\s&)]+");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(CamelEndpointSink.class);
    /** Resolves endpoints; at TRACE it logs their URIs without Camel's masking. */
    private static final String CAMEL_ENGINE_LOGGER = "org.apache.camel.impl.engine.AbstractCamelContext";

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
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SinkEnvironment environment) {
        int given = (options.uri() != null ? 1 : 0) + (options.uriEnv() != null ? 1 : 0) + (options.uriFile() != null ? 1 : 0);
        if (given != 1) {
            return List.of((given == 0 ? "Missing endpoint at uri" : "Conflicting options at uri")
                    + ": expected exactly one of uri, uri_env or uri_file, got " + given);
        }
        Optional<String> uri = endpointUri(options, environment);
        if (uri.isEmpty()) {
            return Secret.check("uri", options.uriEnv(), options.uriFile(), true, environment.baseDir(), environment::secret);
        }
        return checkUri(uri.get(), option(options), environment);
    }

    /** Every reason this endpoint URI may not be used; messages name the scheme, never the rest of the URI. */
    public static List<String> checkUri(String uri, String option, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>();
        Matcher matcher = SCHEME.matcher(uri.strip());
        if (!matcher.matches()) {
            return List.of("Invalid Camel endpoint at " + option + ": expected scheme:path?options, e.g. jms:queue:tasks");
        }
        String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
        if (REFUSED.contains(scheme)) {
            return List.of("Refused Camel scheme '" + scheme + "' at " + option + ": it reaches the filesystem, runs commands or "
                    + "evaluates code, and is refused even when listed in outbound.camel_schemes. Use a sink that sends to a service");
        }
        Set<String> allowed = new TreeSet<>();
        environment.allowedCamelSchemes().forEach(s -> allowed.add(s.toLowerCase(Locale.ROOT)));
        if (!allowed.contains(scheme)) {
            problems.add("Camel scheme '" + scheme + "' at " + option + " is not in outbound.camel_schemes: expected one of "
                    + allowed + ". Add '" + scheme + "' to outbound.camel_schemes to allow it");
        }
        if (CamelEndpointSink.class.getClassLoader().getResource("META-INF/services/org/apache/camel/component/" + scheme) == null) {
            problems.add("No Camel component for scheme '" + scheme + "' at " + option + ": add the jar org.apache.camel:camel-"
                    + scheme + " (Camel's version) to the classpath");
        }
        OutboundPolicy policy = new OutboundPolicy(environment.allowedHosts());
        Redactor redactor = Redactor.of(uri);
        for (URI url : httpUrls(uri)) {
            policy.refusal(url).ifPresent(refusal -> problems.add("Refused URL in the Camel endpoint at " + option + ": "
                    + redactor.redact(refusal)));
        }
        return problems;
    }

    /** http(s) URLs in an endpoint URI: its address (the http component) and option values (Slack's webhookUrl). */
    static List<URI> httpUrls(String uri) {
        String decoded = uri.replace("RAW(", " ").replace("RAW{", " ");
        try {
            decoded = decoded + " " + URLDecoder.decode(decoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            // keep the raw text
        }
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = HTTP_URL.matcher(decoded);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        List<URI> urls = new ArrayList<>();
        for (String url : found) {
            try {
                urls.add(URI.create(url));
            } catch (IllegalArgumentException unparsable) {
                urls.add(URI.create("http://unparsable.invalid/")); // refused, and the message does not quote it
            }
        }
        return urls;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        String uri = endpointUri(options, environment).orElseThrow(() -> new IllegalStateException(
                "No Camel endpoint URI for sink '" + name + "' in " + option(options)));
        List<String> problems = checkUri(uri, option(options), environment);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Sink '" + name + "': " + String.join("; ", problems));
        }
        return new Sender(name, uri);
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

    /** Sends through a producer template on a Camel context of its own, with log masking on. */
    static final class Sender implements TaskSink {
        private final String name;
        private final String scheme;
        private final Redactor redactor;
        private final CamelContext camel;
        private final ProducerTemplate producer;
        private final Endpoint endpoint;

        Sender(String name, String uri) {
            if (LoggerFactory.getLogger(CAMEL_ENGINE_LOGGER).isTraceEnabled()) {
                LOG.warn("Logger {} is at TRACE: Camel then logs endpoint URIs unmasked, credentials included (sink '{}'). "
                        + "Keep org.apache.camel at DEBUG or above in production", CAMEL_ENGINE_LOGGER, name);
            }
            this.name = name;
            this.scheme = uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
            this.redactor = redactorFor(uri);
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName("switchboard-sink-" + name);
            context.setLogMask(true);
            try {
                context.start();
                this.endpoint = context.getEndpoint(uri);
                this.producer = context.createProducerTemplate();
            } catch (RuntimeException e) {
                context.stop();
                // no cause: its message and stack may quote the whole URI
                throw new IllegalStateException("Cannot open Camel endpoint '" + scheme + ":…' for sink '" + name + "': "
                        + redactor.redact(String.valueOf(e.getMessage())));
            }
            this.camel = context;
        }

        CamelContext camelContext() {
            return camel;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(Task task) {
            String body;
            try {
                body = JSON.writeValueAsString(task);
            } catch (JsonProcessingException e) {
                return new DeliveryResult.Rejected("Task cannot be written as JSON: " + e.getOriginalMessage());
            }
            // a fresh exchange: its only header is the one set here
            Exchange result = producer.send(endpoint, exchange -> {
                exchange.getIn().setBody(body);
                exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
            });
            Exception failure = result.getException();
            if (failure == null) {
                return new DeliveryResult.Delivered("Camel endpoint " + scheme + ": accepted");
            }
            String reason = "Camel endpoint " + scheme + ": failed: " + HttpDelivery.abbreviate(redactor.redact(String.valueOf(failure)));
            if (failure instanceof InvalidPayloadException || failure instanceof NoTypeConversionAvailableException
                    || failure instanceof IllegalArgumentException) {
                return new DeliveryResult.Rejected(reason);
            }
            return new DeliveryResult.Retry(reason, null);
        }

        @Override
        public void close() {
            producer.stop();
            camel.stop();
        }

        /** The whole URI and each option value: any of them may be a credential. */
        private static Redactor redactorFor(String uri) {
            return Redactor.of(uri).and(Redactor.queryValues(uri));
        }
    }
}
