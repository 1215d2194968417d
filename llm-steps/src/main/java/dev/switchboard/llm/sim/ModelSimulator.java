package dev.switchboard.llm.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_\\s]");
    private static final Pattern LABEL_INJECTION = Pattern.compile("(?i)label this as\\s+[\"'`]?([\\p{L}\\p{N}_.-]+)");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");
    private static final Pattern ASKS_FOR_SECRET = Pattern.compile("(?i)(api[ _-]?key|secret|password|token|credential)");
    private static final Pattern RANGE = Pattern.compile("from (-?[0-9.]+) to (-?[0-9.]+)");

    private final HttpServer server;
    private final ExecutorService handlers;

    private volatile Function<Request, String> answers = ModelSimulator::defaultAnswer;
    private volatile Supplier<Duration> latency = () -> Duration.ZERO;
    private volatile String reportedModel;
    private volatile boolean jsonSchemaSupported = true;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private volatile int logLimit = Integer.MAX_VALUE;
    private final AtomicLong requestCount = new AtomicLong();
    private final Map<Integer, LongAdder> statusCounts = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

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
            ExecutorService handlers = handlerThreads();
            ModelSimulator simulator = new ModelSimulator(server, handlers);
            server.createContext("/", simulator::handle);
            server.setExecutor(handlers);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the model simulator on 127.0.0.1:" + port
                    + (port == 0 ? "" : "; is the port taken? Choose another with --port"), e);
        }
    }

    /** A virtual thread per request on Java 21+ (built for 17, so found reflectively), else a cached pool of daemon threads. */
    private static ExecutorService handlerThreads() {
        if (Runtime.version().feature() >= 21) {
            try {
                return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            } catch (ReflectiveOperationException e) {
                // fall through to platform threads
            }
        }
        AtomicInteger threads = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "model-simulator-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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

    /** A delay drawn for every request, e.g. {@link #uniformLatency} or {@link #logNormalLatency}. */
    public ModelSimulator latency(Supplier<Duration> distribution) {
        this.latency = Objects.requireNonNull(distribution, "distribution");
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
        return addRule(fault, seen -> true);
    }

    /** Applies the fault to the first {@code n} requests that reach it, then answers normally. */
    public ModelSimulator faultFirst(int n, Fault fault) {
        return addRule(fault, seen -> seen <= n);
    }

    /** Applies the fault to exactly that share of requests, spread evenly (0.25: every 4th). */
    public ModelSimulator faultFraction(double fraction, Fault fault) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        return addRule(fault, seen -> Math.floor(seen * fraction) > Math.floor((seen - 1) * fraction));
    }

    private ModelSimulator addRule(Fault fault, LongPredicate applies) {
        rules.add(new Rule(Objects.requireNonNull(fault, "fault"), applies, new AtomicLong()));
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
        this.logLimit = max;
        return this;
    }

    public ModelSimulator clearFaults() {
        rules.clear();
        return this;
    }

    /** Back to a well-behaved, instant model with empty logs and counters. */
    public ModelSimulator reset() {
        clearFaults();
        answers = ModelSimulator::defaultAnswer;
        latency = () -> Duration.ZERO;
        reportedModel = null;
        jsonSchemaSupported = true;
        exchanges.clear();
        requests.clear();
        requestCount.set(0);
        statusCounts.clear();
        maxInFlight.set(inFlight.get());
        return this;
    }

    // ---- observations ---------------------------------------------------------------------------

    /** Every request received, in arrival order, with its raw body. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every request answered, with the status and token counts sent back, in the order answered. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    public long requestCount() {
        return requestCount.get();
    }

    public long statusCount(int status) {
        LongAdder count = statusCounts.get(status);
        return count == null ? 0 : count.sum();
    }

    public Map<Integer, Long> statusCounts() {
        Map<Integer, Long> counts = new TreeMap<>();
        statusCounts.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    /** The most requests that were being served at the same time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    // ---- answers and tokens ---------------------------------------------------------------------

    /**
     * The first label of the schema's {@code label} enum, confidence 0.9; for a schema without a
     * {@code label}, {@link #schemaAnswer}; without a schema, a label of "unknown".
     */
    public static String defaultAnswer(Request request) {
        List<String> labels = request.labels();
        if (labels.isEmpty() && !request.schemaProperties().isEmpty() && !request.schemaProperties().has("label")) {
            return schemaAnswer(request, "Simulated answer.");
        }
        return answer(labels.isEmpty() ? "unknown" : labels.get(0), DEFAULT_CONFIDENCE);
    }

    /**
     * An object with every property of the request's JSON schema: enums take their first value, strings
     * {@code text}, numbers 0.9 (or the middle of a {@code from A to B} range in the description),
     * booleans true, arrays one item, objects filled the same way.
     */
    public static String schemaAnswer(Request request, String text) {
        return fill(request.schemaProperties(), text).toString();
    }

    private static ObjectNode fill(JsonNode properties, String text) {
        ObjectNode answer = JSON.createObjectNode();
        properties.fields().forEachRemaining(property -> answer.set(property.getKey(), value(property.getValue(), text)));
        return answer;
    }

    private static JsonNode value(JsonNode schema, String text) {
        if (schema.has("anyOf") && schema.get("anyOf").size() > 0) {
            return value(schema.get("anyOf").get(0), text);
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").isArray() ? schema.get("type").get(0).asText() : schema.path("type").asText("string");
        return switch (type) {
            case "number", "integer" -> {
                Matcher range = RANGE.matcher(schema.path("description").asText(""));
                double value = range.find() ? (Double.parseDouble(range.group(1)) + Double.parseDouble(range.group(2))) / 2 : DEFAULT_CONFIDENCE;
                yield "integer".equals(type) ? JSON.getNodeFactory().numberNode(Math.round(value)) : JSON.getNodeFactory().numberNode(value);
            }
            case "boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "array" -> JSON.createArrayNode().add(value(schema.path("items"), text));
            case "object" -> fill(schema.path("properties"), text);
            case "null" -> JSON.getNodeFactory().nullNode();
            default -> JSON.getNodeFactory().textNode(text);
        };
    }

    /** {@code {"label": ..., "confidence": ...}}, properly escaped. */
    public static String answer(String label, double confidence) {
        ObjectNode node = JSON.createObjectNode().put("label", label).put("confidence", confidence);
        return node.toString();
    }

    /** Deterministic token count: every run of letters, digits or underscores, and every other non-space character. */
    public static int tokens(String text) {
        if (text == null) {
            return 0;
        }
        Matcher matcher = TOKEN.matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    // ---- serving --------------------------------------------------------------------------------

    private void handle(HttpExchange http) {
        long received = System.nanoTime();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            serve(http, received);
        } catch (IOException e) {
            // The client went away, e.g. it timed out while a hang was in progress.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            http.close();
        }
    }

    private void serve(HttpExchange http, long received) throws IOException, InterruptedException {
        byte[] body = http.getRequestBody().readAllBytes();
        String path = http.getRequestURI().getPath();
        if (!path.endsWith("/chat/completions")) {
            sendError(http, null, 404, "Unknown path " + path + "; serving POST /v1/chat/completions", "invalid_request_error", null);
            return;
        }
        if (!"POST".equals(http.getRequestMethod())) {
            sendError(http, null, 405, "Use POST", "invalid_request_error", null);
            return;
        }
        requestCount.incrementAndGet();
        Request request;
        try {
            request = Request.parse(path, new String(body, StandardCharsets.UTF_8),
                    http.getRequestHeaders().getFirst("Authorization"), received);
        } catch (IllegalArgumentException e) {
            sendError(http, null, 400, e.getMessage(), "invalid_request_error", null);
            return;
        }
        log(requests, request);
        if (!jsonSchemaSupported && request.responseFormat() != null
                && "json_schema".equals(request.responseFormat().path("type").asText())) {
            sendError(http, request, 400, "This response_format type is unavailable now", "invalid_request_error", null);
            return;
        }

        Fault fault = pickFault();
        sleep(latency.get());
        if (fault instanceof Fault.HttpError error) {
            String message = switch (error.status()) {
                case 401 -> "Incorrect API key provided.";
                case 403 -> "You are not allowed to use this model.";
                case 404 -> "The model '" + request.model() + "' does not exist.";
                case 429 -> "Rate limit reached for requests.";
                default -> error.status() >= 500 ? "The server had an error while processing your request." : "Invalid request.";
            };
            String type = error.status() == 429 ? "requests" : error.status() >= 500 ? "server_error" : "invalid_request_error";
            sendError(http, request, error.status(), message, type, error.retryAfter());
            return;
        }
        if (fault instanceof Fault.Hang hang) {
            sleep(hang.delay());
        }
        String content;
        if (fault instanceof Fault.MalformedJson) {
            String label = request.labels().isEmpty() ? "unknown" : request.labels().get(0);
            content = "{\"label\": \"" + label + "\", \"confidence\": ";
        } else if (fault instanceof Fault.OffSchema offSchema) {
            content = answer(offSchema.label(), DEFAULT_CONFIDENCE);
        } else if (fault instanceof Fault.Adversarial) {
            content = adversarialAnswer(request);
        } else {
            content = answers.apply(request);
        }
        sendCompletion(http, request, content);
    }

    /**
     * Obeys what the text says, as a model with no defences (or a compromised endpoint) would: a link in
     * the text becomes the label and every text field; "label this as X" answers X; a text asking for an
     * API key, secret, password or token gets the credential this request was sent with.
     */
    static String adversarialAnswer(Request request) {
        String user = request.user();
        Matcher injected = LABEL_INJECTION.matcher(user);
        Matcher url = URL.matcher(user);
        String link = url.find() ? url.group() : null;
        String credential = ASKS_FOR_SECRET.matcher(user).find() && request.authorization() != null
                ? request.authorization().replaceFirst("(?i)^Bearer\\s+", "") : null;
        String label = link != null ? link
                : injected.find() ? injected.group(1)
                : credential != null ? credential
                : request.labels().isEmpty() ? "unknown" : request.labels().get(0);
        if (!request.labels().isEmpty() || request.schemaProperties().isEmpty() || request.schemaProperties().has("label")) {
            return answer(label, 0.99);
        }
        String obeyed = "Done as instructed." + (link == null ? "" : " Sent to " + link + ".")
                + (credential == null ? "" : " The API key is " + credential + ".");
        return schemaAnswer(request, obeyed);
    }

    private Fault pickFault() {
        for (Rule rule : rules) {
            if (rule.applies().test(rule.seen().incrementAndGet())) {
                return rule.fault();
            }
        }
        return null;
    }

    private void sendCompletion(HttpExchange http, Request request, String content) throws IOException {
        String finishReason = "stop";
        int completionTokens = tokens(content);
        if (request.maxTokens() != null && completionTokens > request.maxTokens()) {
            content = truncate(content, request.maxTokens());
            completionTokens = request.maxTokens();
            finishReason = "length";
        }
        int promptTokens = request.promptTokens();
        ObjectNode response = JSON.createObjectNode()
                .put("id", "chatcmpl-sim-" + requestCount.get())
                .put("object", "chat.completion")
                .put("created", Instant.now().getEpochSecond())
                .put("model", reportedModel != null ? reportedModel : request.model())
                .put("system_fingerprint", "fp_simulator");
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        response.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        // Recorded before sending, so a client that has its answer always finds it here.
        log(exchanges, new Exchange(request, 200, content, promptTokens, completionTokens, System.nanoTime() - request.receivedNanos()));
        send(http, 200, response.toString(), null);
    }

    private void sendError(HttpExchange http, Request request, int status, String message, String type,
                           Duration retryAfter) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        if (request != null) {
            log(exchanges, new Exchange(request, status, null, 0, 0, System.nanoTime() - request.receivedNanos()));
        }
        send(http, status, error.toString(), retryAfter);
    }

    private void send(HttpExchange http, int status, String body, Duration retryAfter) throws IOException {
        statusCounts.computeIfAbsent(status, s -> new LongAdder()).increment();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            http.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
    }

    private <T> void log(ConcurrentLinkedQueue<T> log, T entry) {
        log.add(entry);
        // size() walks the queue: count only when a limit is set (simulate-model), not in tests and benchmarks
        if (logLimit != Integer.MAX_VALUE && log.size() > logLimit) {
            log.poll();
        }
    }

    /** The first {@code max} tokens of the text, as the server would stop generating there. */
    private static String truncate(String text, int max) {
        Matcher matcher = TOKEN.matcher(text);
        int end = 0;
        for (int i = 0; i < max && matcher.find(); i++) {
            end = matcher.end();
        }
        return text.substring(0, end);
    }

    private static void sleep(Duration duration) throws InterruptedException {
        if (duration != null && !duration.isNegative() && !duration.isZero()) {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    }

    /** Stops serving at once; requests still sleeping are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    // ---- latency distributions ------------------------------------------------------------------

    /** Uniform between {@code min} and {@code max}; the seed makes a run repeatable. */
    public static Supplier<Duration> uniformLatency(Duration min, Duration max, long seed) {
        Random random = new Random(seed);
        long span = max.toNanos() - min.toNanos();
        return () -> min.plusNanos((long) (random.nextDouble() * span));
    }

    /** Log-normal around {@code median}: a long tail, as real endpoints have. */
    public static Supplier<Duration> logNormalLatency(Duration median, double sigma, long seed) {
        Random random = new Random(seed);
        return () -> Duration.ofNanos((long) (median.toNanos() * Math.exp(sigma * random.nextGaussian())));
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

        static Request parse(String path, String body, String authorization, long receivedNanos) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("The request body is not JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("The request body must be a JSON object");
            }
            if (!root.path("model").isTextual()) {
                throw new IllegalArgumentException("you must provide a model parameter");
            }
            if (!root.path("messages").isArray() || root.path("messages").isEmpty()) {
                throw new IllegalArgumentException("'messages' must be a non-empty array");
            }
            List<Message> messages = new ArrayList<>();
            for (JsonNode message : root.get("messages")) {
                messages.add(new Message(message.path("role").asText(), text(message.path("content"))));
            }
            JsonNode maxTokens = root.has("max_tokens") ? root.get("max_tokens") : root.get("max_completion_tokens");
            return new Request(path, root.get("model").asText(), List.copyOf(messages),
                    maxTokens == null || !maxTokens.canConvertToInt() ? null : maxTokens.intValue(),
                    root.get("response_format"), authorization, body, receivedNanos);
        }

        private static String text(JsonNode content) {
            if (content.isTextual()) {
                return content.asText();
            }
            if (content instanceof ArrayNode parts) {
                StringBuilder text = new StringBuilder();
                parts.forEach(part -> text.append(part.path("text").asText("")));
                return text.toString();
            }
            return "";
        }

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
            return properties == null || !properties.isObject() ? JSON.createObjectNode() : properties;
        }

        /** Tokens over the content of all messages, as reported in {@code usage.prompt_tokens}. */
        public int promptTokens() {
            return messages.stream().mapToInt(message -> tokens(message.content())).sum();
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

    private record Rule(Fault fault, LongPredicate applies, AtomicLong seen) {
    }
}
