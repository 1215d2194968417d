package dev.switchboard.connectors.sources.webhook;

import static java.util.concurrent.CompletableFuture.completedFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.auth.NetworkAllowList;
import dev.switchboard.connectors.sources.auth.ReplayGuard;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier;
import dev.switchboard.connectors.sources.internal.MediaType;
import dev.switchboard.connectors.sources.internal.SecretValue;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.connectors.sources.internal.SourceThreads;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline every webhook source shares; a vendor's source contributes only its
 * {@link #map mapping} from a request to events. In order: POST only (405), the network allow-list
 * (403), the content type (415), authentication over the raw body (401, 403, 409), the mapping (400
 * for a body it cannot read, 200 for a delivery it deliberately ignores or a vendor's challenge it
 * answers, 503 when what it needs from the vendor is not to be had now), every event checked
 * against its schema (400, naming the problem) and refused when its type is reserved for the engine
 * or change-data-capture sources (403, {@link ReservedEventTypes}), then publishing: 202 only once Kafka has
 * acknowledged every event, 503 when it does not within the acknowledgement timeout, so the sender
 * retries. A refused request publishes nothing; a delivery id is remembered for replay protection
 * only after a 202. Bodies over the size limit never reach this class: the listener answers 413 first.
 */
public abstract class WebhookEndpoint implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final WebhookVendor vendor;
    private final String path;
    private final String topic;
    private final int maxBodyBytes;
    private final Duration ackTimeout;
    private final NetworkAllowList networks;
    private final ReplayGuard replays;
    private final WebhookVerifier verifier;
    private final SourceEnvironment environment;
    private final EventParser parser;
    private final ExecutorService publishing;
    private final SourceHealth health = new SourceHealth("created");
    private final AtomicLong accepted;
    private final AtomicLong ignored;
    private final Map<Integer, AtomicLong> refused = new ConcurrentHashMap<>();
    private final Map<Refusal, AtomicLong> refusedByReason = new ConcurrentHashMap<>();
    private volatile String lastRefusal;

    /** A source on options that passed {@link WebhookSourceFactory#check}: its secret must be set. */
    protected WebhookEndpoint(String name, WebhookVendor vendor, WebhookSourceOptions options, SourceEnvironment environment) {
        this.name = name;
        this.vendor = vendor;
        WebhookListenerOptions listener = options.listener().options();
        this.path = options.path();
        this.topic = listener.topic();
        this.maxBodyBytes = options.listener().maxBodyBytes();
        this.ackTimeout = Duration.ofSeconds(listener.ackTimeoutSeconds());
        this.environment = environment;
        WebhookAuth auth = Objects.requireNonNull(listener.auth(), "auth: every webhook source is authenticated");
        WebhookVerifier.Scheme scheme = vendor.scheme(auth);
        String secret = SecretValue.read(auth.secretEnv(), auth.secretFile(), environment).orElseThrow(() -> new IllegalStateException(
                "Source " + name + ": the secret in " + (auth.secretEnv() != null ? "environment variable " + auth.secretEnv()
                        : "file " + auth.secretFile()) + " is not set"));
        Clock clock = Clock.systemUTC();
        this.replays = scheme.remembersDeliveries()
                ? ReplayGuard.durable(environment.stateDir(name).resolve("replay-ids.log"), clock)
                : ReplayGuard.inMemory(clock);
        this.verifier = WebhookVerifier.create(scheme, secret, auth.header(), auth.username(),
                Duration.ofSeconds(auth.toleranceSeconds()), replays, clock);
        this.networks = NetworkAllowList.of(auth.allowedNetworksOrEmpty());
        this.parser = new EventParser(Math.max(EventParser.DEFAULT_MAX_BYTES, maxBodyBytes));
        this.publishing = Executors.newCachedThreadPool(SourceThreads.of(name));
        health.detail("type", vendor::type).detail("path", () -> path).detail("auth", () -> verifier.scheme().yamlName());
        this.accepted = health.counter("accepted");
        this.ignored = health.counter("ignored");
        health.detail("refused", () -> counts(refused, status -> Integer.toString(status)))
                .detail("refused_by_reason", () -> counts(refusedByReason, Refusal::key))
                .detail("last_refusal", () -> lastRefusal);
    }

    /** Turns one authenticated request into events, or says why it publishes none. */
    protected abstract Mapped map(Inbound inbound) throws BadPayload;

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        environment.http().routeAsync(path, maxBodyBytes, this::handleAsync);
        health.state("listening");
        LOG.info("Source {} ({}) listening on {} with {} authentication, publishing to {}", name, vendor.type(), path,
                verifier.scheme(), topic);
    }

    /** The whole pipeline for one request, waiting for its answer; public so tests can drive it without a listener. */
    public HttpIngress.Response handle(HttpIngress.Request request) {
        try {
            return handleAsync(request).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(Refusal.KAFKA, 503, "Shutting down; retry later");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Webhook handler failed", e.getCause());
        }
    }

    /**
     * The whole pipeline for one request: the checks and the sends on the calling thread, then an answer that
     * completes when Kafka has acknowledged every event (or has not in time), so no thread waits for it.
     */
    public CompletableFuture<HttpIngress.Response> handleAsync(HttpIngress.Request request) {
        if (!"POST".equals(request.method())) {
            return completedFuture(refuse(Refusal.METHOD, 405, "Method " + request.method() + " not allowed: webhooks are POSTed"));
        }
        if (!networks.allows(request.remoteAddress())) {
            return completedFuture(refuse(Refusal.NETWORK, 403, "Address " + request.remoteAddress() + " is not in auth.allowed_networks"));
        }
        Optional<MediaType> mediaType = MediaType.parse(request.header("Content-Type"));
        if (mediaType.isEmpty() || !vendor.accepts().test().test(mediaType.get())) {
            return completedFuture(refuse(Refusal.CONTENT_TYPE, 415, "Unsupported Content-Type '"
                    + Objects.toString(request.header("Content-Type"), "none") + "': expected " + vendor.accepts().expected()));
        }
        Inbound inbound = new Inbound(request, mediaType.get());
        if (verifier.scheme().readsForm()) {
            try {
                inbound.form();
            } catch (BadPayload e) {
                return completedFuture(refuse(Refusal.PAYLOAD, 400, e.getMessage()));
            }
        }
        WebhookVerifier.Verdict verdict = verifier.verify(request, inbound::formField);
        if (verdict instanceof WebhookVerifier.Refused refusal) {
            return completedFuture(refuse(Refusal.ofVerifierStatus(refusal.status()), refusal.status(), refusal.reason()));
        }
        ReplayGuard.Reservation reservation = ((WebhookVerifier.Verified) verdict).reservation();
        CompletableFuture<HttpIngress.Response> response;
        try {
            response = mapAndPublish(inbound);
        } catch (RuntimeException | Error e) {
            reservation.release();
            throw e;
        }
        return response.whenComplete((answer, error) -> {
            if (error == null && answer.status() / 100 == 2) {
                reservation.commit();
            } else {
                reservation.release();
            }
        });
    }

    private CompletableFuture<HttpIngress.Response> mapAndPublish(Inbound inbound) {
        Mapped mapped;
        try {
            mapped = map(inbound);
        } catch (BadPayload e) {
            return completedFuture(refuse(Refusal.PAYLOAD, 400, e.getMessage()));
        }
        if (mapped.ignored() != null) {
            ignored.incrementAndGet();
            return completedFuture(HttpIngress.Response.json(200, "{\"ignored\":" + quote(mapped.ignored()) + "}"));
        }
        if (mapped.reply() != null) {
            return completedFuture(HttpIngress.Response.json(200, mapped.reply()));
        }
        if (mapped.unavailable() != null) {
            return completedFuture(refuse(Refusal.UPSTREAM, 503, mapped.unavailable()));
        }
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < mapped.events().size(); i++) {
            byte[] bytes = mapped.events().get(i).bytes();
            if (parser.parse(bytes) instanceof EventParser.Rejected rejected) {
                String where = mapped.events().size() == 1 ? "" : " at [" + i + "]";
                return completedFuture(refuse(Refusal.INVALID_EVENT, 400, "Invalid event" + where + ": " + rejected.reason()));
            }
            Optional<String> reserved = ReservedEventTypes.refusal(mapped.events().get(i).type(), false);
            if (reserved.isPresent()) {
                String where = mapped.events().size() == 1 ? "" : " at [" + i + "]";
                return completedFuture(refuse(Refusal.RESERVED_TYPE, 403, "Refused event" + where + ": " + reserved.get()));
            }
            bodies.add(bytes);
        }
        // Sent one after the other, so that a request's events for one key keep their order on the partition;
        // off this thread, because the producer's send may block (metadata, a full buffer) and the timeout must cover that too.
        CompletableFuture<Void> acks = CompletableFuture.supplyAsync(() -> {
            List<CompletableFuture<Void>> sent = new ArrayList<>(bodies.size());
            for (int i = 0; i < bodies.size(); i++) {
                sent.add(environment.events().publish(topic, mapped.events().get(i).key(), bodies.get(i)));
            }
            return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        }, publishing).thenCompose(Function.identity());
        String ids = mapped.events().stream().map(event -> quote(event.id())).collect(Collectors.joining(","));
        return acks.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((done, error) -> {
            if (error == null) {
                accepted.addAndGet(bodies.size());
                return HttpIngress.Response.json(202, "{\"accepted\":" + bodies.size() + ",\"ids\":[" + ids + "]}");
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                return refuse(Refusal.KAFKA, 503, "Kafka did not acknowledge within " + ackTimeout.toSeconds() + " s; retry later");
            }
            if (cause instanceof RejectedExecutionException) {
                return refuse(Refusal.KAFKA, 503, "Shutting down; retry later");
            }
            return refuse(Refusal.KAFKA, 503, "Kafka refused the event (" + cause.getClass().getSimpleName() + "); retry later");
        });
    }

    /** Counts the refusal by status and category, and answers with the reason; only the category reaches health. */
    private HttpIngress.Response refuse(Refusal category, int status, String reason) {
        refused.computeIfAbsent(status, code -> new AtomicLong()).incrementAndGet();
        refusedByReason.computeIfAbsent(category, key -> new AtomicLong()).incrementAndGet();
        lastRefusal = status + " " + category.key();
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
        return health.report();
    }

    private static <K> Map<String, Long> counts(Map<K, AtomicLong> counters, Function<K, String> name) {
        Map<String, Long> byName = new TreeMap<>();
        counters.forEach((key, count) -> byName.put(name.apply(key), count.get()));
        return byName;
    }

    @Override
    public void close() {
        health.state("closed");
        publishing.shutdownNow();
        replays.close();
    }
}
