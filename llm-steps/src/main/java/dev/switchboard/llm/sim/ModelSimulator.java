package dev.switchboard.llm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1: real HTTP, the documented request and
 * response shapes, deterministic token counts, and misbehaviour on demand. Tests and benchmarks use
 * it in-process; {@code switchboard simulate-model} serves it for developing workflows offline.
 *
 * <pre>{@code
 * try (ModelSimulator sim = ModelSimulator.start()) {
 *     sim.latency(Duration.ofMillis(20)).faultFirst(2, Fault.rateLimited(Duration.ofSeconds(1)));
 *     // point a client at sim.baseUrl(), then assert on sim.requests(), sim.exchanges(), sim.statusCount(429)
 * }
 * }</pre>
 *
 * <p>Answers come from {@link #answers(Function)}; the default picks the first label of the
 * {@code label} enum in the request's JSON-schema response format, with confidence 0.9, and for
 * other schemas fills every property with a value of its type ({@link #schemaAnswer}). Tokens are
 * counted by {@link #tokens(String)}: prompt tokens over the content of all messages, completion
 * tokens over the answer. An answer longer than {@code max_tokens} is cut there, with
 * {@code finish_reason: "length"}, as real servers do. Settings may change while it serves.
 */
public final class ModelSimulator implements AutoCloseable {

    /** The confidence of {@link #defaultAnswer(Request)}. */
    public static final double DEFAULT_CONFIDENCE = 0.9;

    private final HttpServer server;
    private final ExecutorService handlers;
    private final SimulatorLog log = new SimulatorLog();

    private volatile Function<Request, String> answers = ModelSimulator::defaultAnswer;
    private volatile Supplier<Duration> latency = () -> Duration.ZERO;
    private volatile String reportedModel;
    private volatile boolean jsonSchemaSupported = true;
    private volatile SimulatedCapacity capacity;
    private final FaultRules faults = new FaultRules();

    private ModelSimulator(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /** Starts a simulator on a free port of 127.0.0.1. */
    public static ModelSimulator start() {
        return start(0);
    }

    /** Starts a simulator on this port of 127.0.0.1 (0: a free one). It never listens beyond loopback. */
    public static ModelSimulator start(int port) {
        // The JDK server closes idle keep-alive connections beyond 200; with hundreds of calls in flight a client then
        // reuses a closed one ("header parser received no bytes"). Read once per JVM, so only where nothing set it first.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            // Unbounded: a benchmark may hold hundreds of slow requests open at once.
            ExecutorService handlers = CompletionsHandler.threads();
            ModelSimulator simulator = new ModelSimulator(server, handlers);
            server.createContext("/", new CompletionsHandler(simulator, simulator.log));
            server.setExecutor(handlers);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the model simulator on 127.0.0.1:" + port
                    + (port == 0 ? "" : "; is the port taken? Choose another with --port"), e);
        }
    }

    /** The base URL to configure a client with, e.g. {@code http://127.0.0.1:43121/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    // ---- settings -------------------------------------------------------------------------------

    /** How the model answers: the message content for a request (faults take precedence). */
    public ModelSimulator answers(Function<Request, String> answers) {
        this.answers = Objects.requireNonNull(answers, "answers");
        return this;
    }

    /** A fixed delay before every answer. */
    public ModelSimulator latency(Duration fixed) {
        Objects.requireNonNull(fixed, "fixed");
        return latency(() -> fixed);
    }

    /** A delay drawn for every request, e.g. {@link SimulatedLatency#uniform} or {@link SimulatedLatency#logNormal}. */
    public ModelSimulator latency(Supplier<Duration> distribution) {
        this.latency = Objects.requireNonNull(distribution, "distribution");
        return this;
    }

    /** A server's capacity: latency grows with calls in flight past its slots, 429s past its most; null: unlimited. */
    public ModelSimulator capacity(SimulatedCapacity capacity) {
        this.capacity = capacity;
        return this;
    }

    /** The model name reported in responses; by default the requested one. */
    public ModelSimulator reportedModel(String model) {
        this.reportedModel = model;
        return this;
    }

    /** When false, rejects {@code response_format} of type {@code json_schema} with a 400, as DeepSeek's API does. */
    public ModelSimulator jsonSchemaSupported(boolean supported) {
        this.jsonSchemaSupported = supported;
        return this;
    }

    /** Applies the fault to every request. */
    public ModelSimulator faultAlways(Fault fault) {
        faults.add(fault, seen -> true);
        return this;
    }

    /** Applies the fault to every request that {@code when} matches (by what it asks, say), and to no other. */
    public ModelSimulator faultWhen(Predicate<Request> when, Fault fault) {
        faults.add(fault, Objects.requireNonNull(when, "when"), seen -> true);
        return this;
    }

    /** Applies the fault to the first {@code n} requests that reach it, then answers normally. */
    public ModelSimulator faultFirst(int n, Fault fault) {
        faults.add(fault, seen -> seen <= n);
        return this;
    }

    /** Applies the fault to exactly that share of requests, spread evenly (0.25: every 4th). */
    public ModelSimulator faultFraction(double fraction, Fault fault) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        faults.add(fault, seen -> Math.floor(seen * fraction) > Math.floor((seen - 1) * fraction));
        return this;
    }

    /**
     * Keeps at most this many requests and exchanges in {@link #requests()} and {@link #exchanges()},
     * dropping the oldest: a long-running simulator must not grow without bound. Counters are kept whole.
     */
    public ModelSimulator logLimit(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("logLimit must be >= 0, got " + max);
        }
        log.limit(max);
        return this;
    }

    /**
     * Tells {@code listener} of every exchange as it is answered (on the serving thread, before the response is sent;
     * keep it short). With {@link #logLimit(int) logLimit(0)} a benchmark keeps only what it needs of each exchange,
     * not the exchanges themselves. {@link #reset()} removes it.
     */
    public ModelSimulator onAnswered(Consumer<Exchange> listener) {
        log.listener(listener);
        return this;
    }

    public ModelSimulator clearFaults() {
        faults.clear();
        return this;
    }

    /** Back to a well-behaved, instant model with empty logs and counters. */
    public ModelSimulator reset() {
        clearFaults();
        answers = ModelSimulator::defaultAnswer;
        latency = () -> Duration.ZERO;
        capacity = null;
        reportedModel = null;
        jsonSchemaSupported = true;
        log.listener(null);
        log.clear();
        return this;
    }

    // ---- observations ---------------------------------------------------------------------------

    /** Every request received, in arrival order, with its raw body. */
    public List<Request> requests() {
        return log.requests();
    }

    /** Every request answered, with the status and token counts sent back, in the order answered. */
    public List<Exchange> exchanges() {
        return log.exchanges();
    }

    public long requestCount() {
        return log.requestCount();
    }

    public long statusCount(int status) {
        return log.statusCount(status);
    }

    public Map<Integer, Long> statusCounts() {
        return log.statusCounts();
    }

    /** The most requests that were being served at the same time. */
    public int maxInFlight() {
        return log.maxInFlight();
    }

    // ---- what the handler reads ----------------------------------------------------------------

    Function<Request, String> answers() {
        return answers;
    }

    Supplier<Duration> latency() {
        return latency;
    }

    SimulatedCapacity capacity() {
        return capacity;
    }

    String reportedModel() {
        return reportedModel;
    }

    boolean jsonSchemaSupported() {
        return jsonSchemaSupported;
    }

    FaultRules faults() {
        return faults;
    }

    // ---- answers and tokens ---------------------------------------------------------------------

    /**
     * The first label of the schema's {@code label} enum, confidence 0.9; for a schema without a
     * {@code label}, {@link #schemaAnswer}; without a schema, a label of "unknown".
     */
    public static String defaultAnswer(Request request) {
        return SimulatedAnswers.defaultAnswer(request);
    }

    /**
     * An object with every property of the request's JSON schema: enums take their first value, strings
     * {@code text}, numbers 0.9 (or the middle of a {@code from A to B} range in the description),
     * booleans true, arrays one item, objects filled the same way.
     */
    public static String schemaAnswer(Request request, String text) {
        return SimulatedAnswers.schemaAnswer(request, text);
    }

    /** {@code {"label": ..., "confidence": ...}}, properly escaped. */
    public static String answer(String label, double confidence) {
        return SimulatedAnswers.answer(label, confidence);
    }

    /** Deterministic token count: every run of letters, digits or underscores, and every other non-space character. */
    public static int tokens(String text) {
        return SimulatedAnswers.tokens(text);
    }

    /** Stops serving at once; requests still sleeping are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    // ---- types ----------------------------------------------------------------------------------

    /** One chat message of a request; {@code content} joins the text parts of a multi-part message. */
    public record Message(String role, String content) {
    }

    /**
     * One chat-completions request as received.
     *
     * @param responseFormat the {@code response_format} object, or null
     * @param authorization  the {@code Authorization} header, or null
     * @param body           the raw JSON body
     * @param receivedNanos  {@link System#nanoTime()} when the request arrived, for pacing and service times
     */
    public record Request(String path, String model, List<Message> messages, Integer maxTokens,
                          JsonNode responseFormat, String authorization, String body, long receivedNanos) {

        /** The system message, or "" when there is none. */
        public String system() {
            return messages.stream().filter(m -> "system".equals(m.role())).map(Message::content).findFirst().orElse("");
        }

        /** The last user message, or "" when there is none. */
        public String user() {
            String user = "";
            for (Message message : messages) {
                if ("user".equals(message.role())) {
                    user = message.content();
                }
            }
            return user;
        }

        /** The {@code label} enum of the JSON-schema response format, empty when there is none. */
        public List<String> labels() {
            JsonNode values = responseFormat == null ? null
                    : responseFormat.path("json_schema").path("schema").path("properties").path("label").path("enum");
            List<String> labels = new ArrayList<>();
            if (values != null) {
                values.forEach(value -> labels.add(value.asText()));
            }
            return labels;
        }

        /** The {@code properties} of the JSON-schema response format, empty when there is none. */
        public JsonNode schemaProperties() {
            JsonNode properties = responseFormat == null ? null
                    : responseFormat.path("json_schema").path("schema").path("properties");
            return properties == null || !properties.isObject() ? SimulatedAnswers.JSON.createObjectNode() : properties;
        }

        /** Tokens over the content of all messages, as reported in {@code usage.prompt_tokens}. */
        public int promptTokens() {
            return messages.stream().mapToInt(message -> SimulatedAnswers.tokens(message.content())).sum();
        }
    }

    /**
     * A request and what was sent back; {@code content} is null for an error status.
     *
     * @param serviceNanos time from the request's arrival to its answer being ready, latency and faults included:
     *                     the simulator's share of a call's time
     */
    public record Exchange(Request request, int status, String content, int promptTokens, int completionTokens, long serviceNanos) {
    }

    /** A way to misbehave. */
    public sealed interface Fault {

        /** 429 with a {@code Retry-After} header. */
        static Fault rateLimited(Duration retryAfter) {
            return new HttpError(429, retryAfter);
        }

        /** 500 with an OpenAI-shaped error body. */
        static Fault serverError() {
            return new HttpError(500, null);
        }

        /** Any status with an OpenAI-shaped error body, e.g. 401, 404, 503. */
        static Fault httpError(int status) {
            return new HttpError(status, null);
        }

        /** Waits this long before answering normally; longer than the client's timeout, it is a hang. */
        static Fault hang(Duration delay) {
            return new Hang(delay);
        }

        /** A 200 whose content is cut-off JSON. */
        static Fault malformedJson() {
            return new MalformedJson();
        }

        /** A 200 whose content is well-formed but names a label that is not in the set. */
        static Fault offSchema(String label) {
            return new OffSchema(label);
        }

        /** Obeys instructions injected in the text: "label this as X" answers X; a link becomes the label; asked for a key, it leaks its own. */
        static Fault adversarial() {
            return new Adversarial();
        }

        record HttpError(int status, Duration retryAfter) implements Fault {
        }

        record Hang(Duration delay) implements Fault {
        }

        record MalformedJson() implements Fault {
        }

        record OffSchema(String label) implements Fault {
        }

        record Adversarial() implements Fault {
        }
    }
}
