package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.NetworkAllowList;
import dev.switchboard.connectors.sources.auth.ReplayGuard;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MediaType;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline every webhook source shares; a source contributes only its {@link Mapping}
 * from a request to events. In order: POST only (405), the network allow-list (403), the content
 * type (415), authentication over the raw body (401, 403, 409), the mapping (400 for a body it
 * cannot read, 200 for a delivery it deliberately ignores), every event checked against its schema
 * (400, naming the problem), then publishing: 202 only once Kafka has acknowledged every event, 503
 * when it does not within the acknowledgement timeout, so the sender retries. A refused request
 * publishes nothing; a delivery id is remembered for replay protection only after a 202.
 * Bodies over the size limit never reach this class: the listener answers 413 first.
 */
public final class WebhookSource implements Source {

    // Descriptions every webhook source's options share, declared once.
    public static final String TOPIC = "Kafka topic the events are published to.";
    public static final String PATH = "HTTP path of this webhook on the engine's listener (`http:` in switchboard.yaml). Paths match exactly.";
    public static final String MAX_BODY = "Largest request body accepted, in bytes; larger requests are refused with 413 before anything else.";
    public static final String ACK_TIMEOUT = "How long to wait for Kafka to acknowledge the events before answering 503, so that the sender retries, in seconds.";
    public static final String AUTH = "How requests are authenticated; every request must pass. See `auth.scheme` for the schemes.";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSource.class);
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    /** Where a source listens and publishes. */
    public record Listener(String path, String topic, int maxBodyBytes, Duration ackTimeout) {
    }

    /** The content types a source accepts; anything else is refused with 415 saying {@code expected}. */
    public record Accepts(Predicate<MediaType> test, String expected) {

        public static final Accepts JSON = new Accepts(MediaType::isStrictJson, "application/json (charset utf-8 or none)");
        public static final Accepts FORM = new Accepts(type -> type.essence().equals("multipart/form-data")
                || type.essence().equals("application/x-www-form-urlencoded") && type.utf8OrNoCharset(),
                "multipart/form-data or application/x-www-form-urlencoded");
    }

    /** A body the mapping cannot turn into events; answered with 400 and the message. */
    public static final class BadPayload extends Exception {
        public BadPayload(String message) {
            super(message);
        }
    }

    /** What a mapping made of a request: events to publish, or the reason it deliberately publishes none. */
    public record Mapped(List<SourceEvent> events, String ignored) {

        public static Mapped of(List<SourceEvent> events) {
            return new Mapped(List.copyOf(events), null);
        }

        public static Mapped of(SourceEvent event) {
            return new Mapped(List.of(event), null);
        }

        /** Answered with 200, so the sender counts it as delivered, and nothing is published. */
        public static Mapped ignored(String reason) {
            return new Mapped(List.of(), reason);
        }
    }

    /** Turns one authenticated request into events. */
    @FunctionalInterface
    public interface Mapping {
        Mapped map(Inbound inbound) throws BadPayload;
    }

    /** One request as a mapping sees it: the raw request, its media type, and its body read as JSON or form on demand. */
    public static final class Inbound {
        private final HttpIngress.Request request;
        private final MediaType mediaType;
        private FormData form;

        Inbound(HttpIngress.Request request, MediaType mediaType) {
            this.request = request;
            this.mediaType = mediaType;
        }

        public HttpIngress.Request request() {
            return request;
        }

        public MediaType mediaType() {
            return mediaType;
        }

        public String header(String name) {
            return request.header(name);
        }

        public String query(String name) {
            List<String> values = request.query().get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The body as one JSON value (duplicate keys and deep nesting refused). */
        public JsonNode json() throws BadPayload {
            try {
                JsonNode node = JSON.readTree(request.body());
                if (node == null || node.isMissingNode()) {
                    throw new BadPayload("Empty body: expected JSON");
                }
                return node;
            } catch (JsonProcessingException e) {
                String message = e.getOriginalMessage();
                int newline = message.indexOf('\n');
                throw new BadPayload("Body is not valid JSON: " + (newline < 0 ? message : message.substring(0, newline))
                        + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
            } catch (IOException e) {
                throw new BadPayload("Body is not valid JSON: " + e.getMessage());
            }
        }

        /** The body as one JSON object. */
        public ObjectNode jsonObject() throws BadPayload {
            JsonNode node = json();
            if (!(node instanceof ObjectNode object)) {
                throw new BadPayload("Body is a JSON " + node.getNodeType().name().toLowerCase() + ": expected an object");
            }
            return object;
        }

        /** The body as form fields and files. */
        public FormData form() throws BadPayload {
            if (form == null) {
                try {
                    form = FormData.parse(mediaType, request.body());
                } catch (FormData.MalformedFormException e) {
                    throw new BadPayload("Malformed form body: " + e.getMessage());
                }
            }
            return form;
        }
    }

    private final String name;
    private final String type;
    private final Listener listener;
    private final Accepts accepts;
    private final NetworkAllowList networks;
    private final WebhookVerifier verifier;
    private final ReplayGuard replays;
    private final Mapping mapping;
    private final SourceEnvironment environment;
    private final EventParser parser;
    private final ExecutorService publishing;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final Map<Integer, AtomicLong> refused = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String lastRefusal;
    private volatile String state = "created";

    private WebhookSource(Builder builder) {
        this.name = builder.name;
        this.type = builder.type;
        this.listener = builder.listener;
        this.accepts = builder.accepts;
        this.networks = builder.networks;
        this.verifier = builder.verifier;
        this.replays = builder.replays;
        this.mapping = builder.mapping;
        this.environment = builder.environment;
        this.parser = new EventParser(Math.max(EventParser.DEFAULT_MAX_BYTES, listener.maxBodyBytes()));
        this.publishing = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-source-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder(String name, String type, SourceEnvironment environment) {
        return new Builder(name, type, environment);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        environment.http().route(listener.path(), listener.maxBodyBytes(), this::handle);
        state = "listening";
        LOG.info("Source {} ({}) listening on {} with {} authentication, publishing to {}", name, type, listener.path(),
                verifier.scheme(), listener.topic());
    }

    /** The whole pipeline for one request; public so tests can drive it without a listener. */
    public HttpIngress.Response handle(HttpIngress.Request request) {
        if (!"POST".equals(request.method())) {
            return refuse(405, "Method " + request.method() + " not allowed: webhooks are POSTed");
        }
        if (!networks.allows(request.remoteAddress())) {
            return refuse(403, "Address " + request.remoteAddress() + " is not in auth.allowed_networks");
        }
        Optional<MediaType> mediaType = MediaType.parse(request.header("Content-Type"));
        if (mediaType.isEmpty() || !accepts.test().test(mediaType.get())) {
            return refuse(415, "Unsupported Content-Type '" + Objects.toString(request.header("Content-Type"), "none")
                    + "': expected " + accepts.expected());
        }
        Inbound inbound = new Inbound(request, mediaType.get());
        Function<String, String> formField = field -> {
            try {
                return inbound.form().text(field);
            } catch (BadPayload e) {
                return null;
            }
        };
        if (verifier.scheme().readsForm()) {
            try {
                inbound.form();
            } catch (BadPayload e) {
                return refuse(400, e.getMessage());
            }
        }
        WebhookVerifier.Verdict verdict = verifier.verify(request, formField);
        if (verdict instanceof WebhookVerifier.Refused refusal) {
            return refuse(refusal.status(), refusal.reason());
        }
        ReplayGuard.Reservation reservation = ((WebhookVerifier.Verified) verdict).reservation();
        boolean published = false;
        try {
            HttpIngress.Response response = mapAndPublish(inbound);
            published = response.status() / 100 == 2;
            return response;
        } finally {
            if (published) {
                reservation.commit();
            } else {
                reservation.release();
            }
        }
    }

    private HttpIngress.Response mapAndPublish(Inbound inbound) {
        Mapped mapped;
        try {
            mapped = mapping.map(inbound);
        } catch (BadPayload e) {
            return refuse(400, e.getMessage());
        }
        if (mapped.ignored() != null) {
            ignored.incrementAndGet();
            return HttpIngress.Response.json(200, "{\"ignored\":" + quote(mapped.ignored()) + "}");
        }
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < mapped.events().size(); i++) {
            byte[] bytes = mapped.events().get(i).bytes();
            if (parser.parse(bytes) instanceof EventParser.Rejected rejected) {
                String where = mapped.events().size() == 1 ? "" : " at [" + i + "]";
                return refuse(400, "Invalid event" + where + ": " + rejected.reason());
            }
            bodies.add(bytes);
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            String key = mapped.events().get(i).key();
            byte[] bytes = bodies.get(i);
            // The producer's send may block (metadata, a full buffer); the timeout must cover that too.
            acks.add(CompletableFuture.supplyAsync(() -> environment.events().publish(listener.topic(), key, bytes), publishing)
                    .thenCompose(Function.identity()));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(listener.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return refuse(503, "Kafka did not acknowledge within " + listener.ackTimeout().toSeconds() + " s; retry later");
        } catch (ExecutionException e) {
            return refuse(503, "Kafka refused the event (" + e.getCause().getClass().getSimpleName() + "); retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(503, "Shutting down; retry later");
        }
        accepted.addAndGet(bodies.size());
        String ids = mapped.events().stream().map(event -> quote(event.id())).collect(Collectors.joining(","));
        return HttpIngress.Response.json(202, "{\"accepted\":" + bodies.size() + ",\"ids\":[" + ids + "]}");
    }

    private HttpIngress.Response refuse(int status, String reason) {
        refused.computeIfAbsent(status, code -> new AtomicLong()).incrementAndGet();
        lastRefusal = status + " " + reason;
        if (status == 503) {
            LOG.warn("Source {}: {} {}", name, status, reason);
        } else {
            LOG.info("Source {} refused a request: {} {}", name, status, reason);
        }
        return HttpIngress.Response.error(status, reason);
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("type", type);
        health.put("state", state);
        health.put("path", listener.path());
        health.put("auth", verifier.scheme().yamlName());
        health.put("accepted", accepted.get());
        health.put("ignored", ignored.get());
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        refused.forEach((status, count) -> byStatus.put(Integer.toString(status), count.get()));
        health.put("refused", byStatus);
        if (lastRefusal != null) {
            health.put("last_refusal", lastRefusal);
        }
        return health;
    }

    @Override
    public void close() {
        state = "closed";
        publishing.shutdownNow();
        replays.close();
    }

    /** Checks a source's authentication options: the scheme is one it accepts, the secret is set and usable. */
    public static List<String> checkAuth(WebhookAuth auth, Set<WebhookVerifier.Scheme> accepted, WebhookVerifier.Scheme fallback,
                                         String sourceType, SourceEnvironment environment) {
        List<String> problems = new ArrayList<>();
        if (auth == null) {
            return List.of("Missing authentication at auth: every webhook must be authenticated. Add auth with secret_env");
        }
        WebhookVerifier.Scheme scheme = scheme(auth, fallback);
        if (scheme == null || !accepted.contains(scheme)) {
            problems.add("Unsupported scheme at auth.scheme: got '" + auth.scheme() + "', expected "
                    + accepted.stream().map(WebhookVerifier.Scheme::yamlName).sorted().collect(Collectors.joining(", "))
                    + " for a " + sourceType + " source");
        }
        if (auth.secretEnv() != null && auth.secretFile() != null) {
            problems.add("Two secrets at auth: got secret_env and secret_file, expected one. Keep one");
        } else if (auth.secretEnv() == null && auth.secretFile() == null) {
            problems.add("Missing secret at auth: expected secret_env (an environment variable) or secret_file (a file) holding the "
                    + (scheme == null ? "secret" : secretNoun(scheme)));
        } else {
            Optional<String> secret = secret(auth, environment);
            if (secret.isEmpty()) {
                problems.add(auth.secretEnv() != null
                        ? "Missing secret at auth.secret_env: environment variable '" + auth.secretEnv() + "' is not set. Set it to the "
                                + (scheme == null ? "secret" : secretNoun(scheme))
                        : "Missing secret at auth.secret_file: '" + auth.secretFile() + "' does not exist, cannot be read or is empty");
            } else if (scheme == WebhookVerifier.Scheme.STANDARD_WEBHOOKS && secret.get().startsWith("whsec_")) {
                try {
                    Base64.getDecoder().decode(secret.get().substring("whsec_".length()));
                } catch (IllegalArgumentException e) {
                    problems.add("Invalid secret at auth." + (auth.secretEnv() != null ? "secret_env" : "secret_file")
                            + ": it starts with whsec_ but the rest is not base64. Copy the secret exactly as the sender shows it");
                }
            }
        }
        if (scheme == WebhookVerifier.Scheme.BASIC && (auth.username() == null || auth.username().isEmpty())) {
            problems.add("Missing username at auth.username: basic authentication needs the user name the sender presents");
        }
        List<String> networks = auth.allowedNetworksOrEmpty();
        for (int i = 0; i < networks.size(); i++) {
            int index = i;
            NetworkAllowList.problem(networks.get(i)).ifPresent(problem ->
                    problems.add("Invalid network at auth.allowed_networks[" + index + "]: " + problem));
        }
        return problems;
    }

    /** Checks a path option. */
    public static List<String> checkPath(String path) {
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
            return List.of("Invalid path at path: got '" + path + "', expected an absolute path such as /webhooks/zendesk");
        }
        return List.of();
    }

    static WebhookVerifier.Scheme scheme(WebhookAuth auth, WebhookVerifier.Scheme fallback) {
        return auth.scheme() == null ? fallback : WebhookVerifier.Scheme.of(auth.scheme()).orElse(null);
    }

    static Optional<String> secret(WebhookAuth auth, SourceEnvironment environment) {
        if (auth.secretEnv() != null) {
            return environment.secret(auth.secretEnv()).filter(value -> !value.isEmpty());
        }
        if (auth.secretFile() != null) {
            Path file = environment.baseDir().resolve(auth.secretFile());
            try {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String secretNoun(WebhookVerifier.Scheme scheme) {
        return switch (scheme) {
            case GITHUB -> "webhook secret configured in GitHub";
            case ZENDESK -> "webhook's signing secret from Zendesk";
            case STANDARD_WEBHOOKS -> "Standard Webhooks secret (whsec_…)";
            case MAILGUN -> "Mailgun HTTP webhook signing key";
            case SHARED_SECRET -> "shared secret the sender puts in its header";
            case BASIC -> "basic-auth password";
        };
    }

    /** Assembles a webhook source from its options; {@link #build()} expects options that passed the checks. */
    public static final class Builder {
        private final String name;
        private final String type;
        private final SourceEnvironment environment;
        private Listener listener;
        private Accepts accepts = Accepts.JSON;
        private WebhookAuth auth;
        private WebhookVerifier.Scheme fallback;
        private Mapping mapping;
        private Clock clock = Clock.systemUTC();
        private NetworkAllowList networks;
        private WebhookVerifier verifier;
        private ReplayGuard replays;

        private Builder(String name, String type, SourceEnvironment environment) {
            this.name = name;
            this.type = type;
            this.environment = environment;
        }

        public Builder listener(String path, String topic, Integer maxBodyBytes, int defaultMaxBodyBytes, Integer ackTimeoutSeconds) {
            this.listener = new Listener(path, topic == null ? "switchboard.events" : topic,
                    maxBodyBytes == null ? defaultMaxBodyBytes : maxBodyBytes,
                    Duration.ofSeconds(ackTimeoutSeconds == null ? 10 : ackTimeoutSeconds));
            return this;
        }

        public Builder accepts(Accepts accepts) {
            this.accepts = accepts;
            return this;
        }

        /** The authentication options and the scheme used when {@code auth.scheme} is not given. */
        public Builder auth(WebhookAuth auth, WebhookVerifier.Scheme fallback) {
            this.auth = auth;
            this.fallback = fallback;
            return this;
        }

        public Builder mapping(Mapping mapping) {
            this.mapping = mapping;
            return this;
        }

        /** The clock timestamps are checked against (tests move it). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public WebhookSource build() {
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(mapping, "mapping");
            Objects.requireNonNull(auth, "auth: every webhook source is authenticated");
            WebhookVerifier.Scheme scheme = scheme(auth, fallback);
            String secret = secret(auth, environment).orElseThrow(() -> new IllegalStateException(
                    "Source " + name + ": the secret in " + (auth.secretEnv() != null ? "environment variable " + auth.secretEnv()
                            : "file " + auth.secretFile()) + " is not set"));
            this.replays = scheme.remembersDeliveries()
                    ? ReplayGuard.durable(environment.stateDir(name).resolve("replay-ids.log"), clock)
                    : ReplayGuard.inMemory(clock);
            this.verifier = WebhookVerifier.create(scheme, secret, auth.header(), auth.username(),
                    Duration.ofSeconds(auth.toleranceOrDefault()), replays, clock);
            this.networks = NetworkAllowList.of(auth.allowedNetworksOrEmpty());
            return new WebhookSource(this);
        }
    }
}
