package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.MediaType;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /events}: the CloudEvents HTTP protocol binding, structured, binary and batch modes.
 * Every event is checked by the engine's {@code EventParser} (envelope and, for known types, the
 * data schema) before anything is published; an invalid one is answered 400 with the reason.
 */
public final class CloudEventsHttpSource implements SourceFactory<CloudEventsHttpSource.Options> {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.STANDARD_WEBHOOKS, Scheme.SHARED_SECRET, Scheme.BASIC);
    private static final Set<String> REQUIRED = Set.of("id", "source", "type", "specversion");

    @Documentation(name = "cloudevents", summary = "Accepts CloudEvents over HTTP (structured, binary and batch modes) and publishes each valid one.",
            description = """
                    *Structured mode*: `Content-Type: application/cloudevents+json`, the body is the event. *Binary mode*: \
                    the attributes in `ce-id`, `ce-source`, `ce-type`, `ce-specversion` (and `ce-subject`, `ce-time`, any \
                    extension as `ce-<name>`, values percent-decoded), `Content-Type: application/json` (or any `+json` type) \
                    and the data as the body. *Batch mode*: `Content-Type: application/cloudevents-batch+json`, a JSON array of \
                    structured events, published all or none: if one is invalid nothing is published. Each event is validated \
                    (CloudEvents 1.0 envelope; data against its schema when the type is one Switchboard ships) and an \
                    invalid one is answered 400 with the reason. The Kafka key is the event's `subject`, else its `id`. \
                    Authentication defaults to Standard Webhooks over the raw body.""")
    @Example(title = "Events from internal services, signed with Standard Webhooks", yaml = """
            http-events:
              cloudevents:
                path: /events
                topic: switchboard.events
                types: [ticket.created, crm.lead.created]
                auth:
                  secret_env: SWITCHBOARD_EVENTS_SECRET
            """)
    public record Options(
            @Option(description = WebhookSource.PATH, defaultValue = "/events") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Schemes: `standard-webhooks` (the default), `shared-secret`, `basic`.", required = true)
            WebhookAuth auth,
            @Option(description = "Event types accepted here; an event of another type is refused with 400. Empty accepts any type.")
            List<String> types,
            @Option(description = "Most events in one batch-mode request.", defaultValue = "100", minimum = 1, maximum = 1000)
            @JsonProperty("max_batch") Integer maxBatch,
            @Option(description = WebhookSource.MAX_BODY, defaultValue = "1048576", minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes,
            @Option(description = WebhookSource.ACK_TIMEOUT, defaultValue = "10", minimum = 1, maximum = 120)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SourceEnvironment environment) {
        List<String> problems = new ArrayList<>(WebhookSource.checkPath(path(options)));
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.STANDARD_WEBHOOKS, "cloudevents", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        Set<String> types = options.types() == null ? Set.of() : Set.copyOf(options.types());
        int maxBatch = options.maxBatch() == null ? 100 : options.maxBatch();
        return WebhookSource.builder(name, "cloudevents", environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 1024 * 1024, options.ackTimeoutSeconds())
                .accepts(new WebhookSource.Accepts(CloudEventsHttpSource::accepts,
                        STRUCTURED + ", " + BATCH + ", or application/json (or another +json type) with ce-* headers for binary mode"))
                .auth(options.auth(), Scheme.STANDARD_WEBHOOKS)
                .mapping(inbound -> map(inbound, types, maxBatch))
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/events" : options.path();
    }

    static boolean accepts(MediaType type) {
        return type.utf8OrNoCharset() && (type.essence().equals(STRUCTURED) || type.essence().equals(BATCH)
                || type.essence().equals("application/json") || type.essence().endsWith("+json"));
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound, Set<String> types, int maxBatch) throws WebhookSource.BadPayload {
        String essence = inbound.mediaType().essence();
        List<ObjectNode> events = new ArrayList<>();
        if (essence.equals(STRUCTURED)) {
            events.add(inbound.jsonObject());
        } else if (essence.equals(BATCH)) {
            JsonNode batch = inbound.json();
            if (!batch.isArray()) {
                throw new WebhookSource.BadPayload("Batch mode expects a JSON array of events, got a JSON " + batch.getNodeType().name().toLowerCase());
            }
            if (batch.isEmpty()) {
                throw new WebhookSource.BadPayload("Empty batch: expected at least one event");
            }
            if (batch.size() > maxBatch) {
                throw new WebhookSource.BadPayload("Batch of " + batch.size() + " events, expected at most " + maxBatch + " (max_batch)");
            }
            for (int i = 0; i < batch.size(); i++) {
                if (!(batch.get(i) instanceof ObjectNode event)) {
                    throw new WebhookSource.BadPayload("Batch item [" + i + "] is not a JSON object");
                }
                events.add(event);
            }
        } else {
            events.add(binary(inbound));
        }
        List<SourceEvent> mapped = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ObjectNode event = events.get(i);
            String type = Ticket.text(event.get("type"));
            if (!types.isEmpty() && type != null && !types.contains(type)) {
                throw new WebhookSource.BadPayload("Event type '" + type + "'" + (events.size() > 1 ? " at [" + i + "]" : "")
                        + " is not accepted here: expected one of " + String.join(", ", new java.util.TreeSet<>(types)));
            }
            String subject = Ticket.text(event.get("subject"));
            mapped.add(new SourceEvent(subject != null ? subject : Ticket.text(event.get("id")), event));
        }
        return WebhookSource.Mapped.of(mapped);
    }

    /** Binary mode: attributes from {@code ce-*} headers, the body as data. */
    private static ObjectNode binary(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, List<String>> header : inbound.request().headers().entrySet()) {
            if (header.getKey().startsWith("ce-") && !header.getValue().isEmpty()) {
                event.put(header.getKey().substring(3), percentDecode(header.getValue().get(0)));
            }
        }
        List<String> missing = REQUIRED.stream().filter(attribute -> !event.has(attribute)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new WebhookSource.BadPayload("Binary mode needs the headers " + String.join(", ", missing.stream().map(m -> "ce-" + m).toList())
                    + ". Or send a structured event with Content-Type: " + STRUCTURED);
        }
        event.put("datacontenttype", inbound.header("Content-Type"));
        if (inbound.request().body().length > 0) {
            event.set("data", inbound.json());
        }
        return event;
    }

    /** The binding's percent-encoding of header values (UTF-8); unlike form decoding, '+' stays '+'. */
    static String percentDecode(String value) throws WebhookSource.BadPayload {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && Character.digit(value.charAt(i + 1), 16) >= 0
                    && Character.digit(value.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else if (c == '%') {
                throw new WebhookSource.BadPayload("Invalid percent-encoding in a ce- header value");
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
