package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.MediaType;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
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
public final class CloudEventsHttpSource extends WebhookEndpoint implements Source {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    static final WebhookVendor WEBHOOK = new WebhookVendor("cloudevents",
            Set.of(Scheme.STANDARD_WEBHOOKS, Scheme.SHARED_SECRET, Scheme.BASIC), Scheme.STANDARD_WEBHOOKS,
            new Accepts(CloudEventsHttpSource::accepts, STRUCTURED + ", " + BATCH
                    + ", or application/json (or another +json type) with ce-* headers for binary mode"));
    /**
     * Under a scheme that signs only the body, binary mode would let anyone who can replay or relay one
     * signed body choose its id, source and type in unsigned {@code ce-*} headers: only the modes whose
     * attributes travel in the body are accepted.
     */
    static final WebhookVendor SIGNED_BODY_ONLY = new WebhookVendor(WEBHOOK.type(), WEBHOOK.schemes(), WEBHOOK.defaultScheme(),
            new Accepts(type -> type.utf8OrNoCharset() && (type.essence().equals(STRUCTURED) || type.essence().equals(BATCH)),
                    STRUCTURED + " or " + BATCH + " (binary mode is refused under standard-webhooks authentication: its "
                            + "signature covers the body, not the ce-* headers that carry the event's id, source and type. "
                            + "Send structured events, or authenticate with shared-secret or basic)"));
    private static final Set<String> REQUIRED = Set.of("id", "source", "type", "specversion");

    private final Set<String> types;
    private final int maxBatch;

    CloudEventsHttpSource(String name, CloudEventsHttpSourceFactory.Options options, SourceEnvironment environment) {
        super(name, vendor(options), options, environment);
        this.types = options.types() == null ? Set.of() : Set.copyOf(options.types());
        this.maxBatch = options.maxBatch();
    }

    /** The vendor as the source's scheme allows it: binary mode only where the scheme does not claim to sign the event. */
    static WebhookVendor vendor(CloudEventsHttpSourceFactory.Options options) {
        return WEBHOOK.scheme(options.listener().options().auth()) == Scheme.STANDARD_WEBHOOKS ? SIGNED_BODY_ONLY : WEBHOOK;
    }

    static boolean accepts(MediaType type) {
        return type.utf8OrNoCharset() && (type.essence().equals(STRUCTURED) || type.essence().equals(BATCH)
                || type.essence().equals("application/json") || type.essence().endsWith("+json"));
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        String essence = inbound.mediaType().essence();
        List<ObjectNode> events = new ArrayList<>();
        if (essence.equals(STRUCTURED)) {
            events.add(inbound.jsonObject());
        } else if (essence.equals(BATCH)) {
            JsonNode batch = inbound.json();
            if (!batch.isArray()) {
                throw new BadPayload("Batch mode expects a JSON array of events, got a JSON " + batch.getNodeType().name().toLowerCase());
            }
            if (batch.isEmpty()) {
                throw new BadPayload("Empty batch: expected at least one event");
            }
            if (batch.size() > maxBatch) {
                throw new BadPayload("Batch of " + batch.size() + " events, expected at most " + maxBatch + " (max_batch)");
            }
            for (int i = 0; i < batch.size(); i++) {
                if (!(batch.get(i) instanceof ObjectNode event)) {
                    throw new BadPayload("Batch item [" + i + "] is not a JSON object");
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
                throw new BadPayload("Event type '" + type + "'" + (events.size() > 1 ? " at [" + i + "]" : "")
                        + " is not accepted here: expected one of " + String.join(", ", new java.util.TreeSet<>(types)));
            }
            String subject = Ticket.text(event.get("subject"));
            mapped.add(new SourceEvent(subject != null ? subject : Ticket.text(event.get("id")), event));
        }
        return Mapped.of(mapped);
    }

    /** Binary mode: attributes from {@code ce-*} headers, the body as data. */
    private static ObjectNode binary(Inbound inbound) throws BadPayload {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, List<String>> header : inbound.request().headers().entrySet()) {
            if (header.getKey().startsWith("ce-") && !header.getValue().isEmpty()) {
                event.put(header.getKey().substring(3), percentDecode(header.getValue().get(0)));
            }
        }
        List<String> missing = REQUIRED.stream().filter(attribute -> !event.has(attribute)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new BadPayload("Binary mode needs the headers " + String.join(", ", missing.stream().map(m -> "ce-" + m).toList())
                    + ". Or send a structured event with Content-Type: " + STRUCTURED);
        }
        event.put("datacontenttype", inbound.header("Content-Type"));
        if (inbound.request().body().length > 0) {
            event.set("data", inbound.json());
        }
        return event;
    }

    /** The binding's percent-encoding of header values (UTF-8); unlike form decoding, '+' stays '+'. */
    static String percentDecode(String value) throws BadPayload {
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
                throw new BadPayload("Invalid percent-encoding in a ce- header value");
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
