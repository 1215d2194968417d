package dev.switchboard.llm.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.switchboard.llm.sim.ModelSimulator.Exchange;
import dev.switchboard.llm.sim.ModelSimulator.Fault;
import dev.switchboard.llm.sim.ModelSimulator.Message;
import dev.switchboard.llm.sim.ModelSimulator.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code POST /v1/chat/completions} as OpenAI documents it: the request parsed and logged, then the
 * simulator's latency and faults applied, then an answer with its usage, or an OpenAI-shaped error.
 *
 * @param generating requests between arrival and the end of their latency: what holds a simulated server's slots,
 *                   sending excluded
 */
record CompletionsHandler(ModelSimulator simulator, SimulatorLog log, AtomicInteger generating) implements HttpHandler {

    CompletionsHandler(ModelSimulator simulator, SimulatorLog log) {
        this(simulator, log, new AtomicInteger());
    }

    @Override
    public void handle(HttpExchange http) {
        long received = System.nanoTime();
        log.started();
        try {
            serve(http, received);
        } catch (IOException e) {
            // The client went away, e.g. it timed out while a hang was in progress.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            log.finished();
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
        long number = log.counted();
        Request request;
        try {
            request = parse(path, new String(body, StandardCharsets.UTF_8),
                    http.getRequestHeaders().getFirst("Authorization"), received);
        } catch (IllegalArgumentException e) {
            sendError(http, null, 400, e.getMessage(), "invalid_request_error", null);
            return;
        }
        log.received(request);
        if (!simulator.jsonSchemaSupported() && request.responseFormat() != null
                && "json_schema".equals(request.responseFormat().path("type").asText())) {
            sendError(http, request, 400, "This response_format type is unavailable now", "invalid_request_error", null);
            return;
        }
        Fault fault = simulator.faults().pick(request);
        SimulatedCapacity capacity = simulator.capacity();
        int inFlight = generating.incrementAndGet();
        try {
            if (capacity != null && capacity.rejects(inFlight)) {
                sendError(http, request, 429, "The server is overloaded; try again later.", "requests", capacity.retryAfter());
                return;
            }
            Duration latency = simulator.latency().get();
            sleep(capacity == null ? latency : capacity.latency(latency, inFlight));
        } finally {
            generating.decrementAndGet();
        }
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
            content = SimulatedAnswers.malformed(request);
        } else if (fault instanceof Fault.OffSchema offSchema) {
            content = SimulatedAnswers.answer(offSchema.label(), ModelSimulator.DEFAULT_CONFIDENCE);
        } else if (fault instanceof Fault.Adversarial) {
            content = SimulatedAnswers.adversarialAnswer(request);
        } else {
            content = simulator.answers().apply(request);
        }
        sendCompletion(http, request, content, number);
    }

    private void sendCompletion(HttpExchange http, Request request, String content, long number) throws IOException {
        String finishReason = "stop";
        int completionTokens = SimulatedAnswers.tokens(content);
        if (request.maxTokens() != null && completionTokens > request.maxTokens()) {
            content = SimulatedAnswers.truncate(content, request.maxTokens());
            completionTokens = request.maxTokens();
            finishReason = "length";
        }
        int promptTokens = request.promptTokens();
        ObjectNode response = SimulatedAnswers.JSON.createObjectNode()
                .put("id", "chatcmpl-sim-" + number)
                .put("object", "chat.completion")
                .put("created", Instant.now().getEpochSecond())
                .put("model", simulator.reportedModel() != null ? simulator.reportedModel() : request.model())
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
        log.answered(new Exchange(request, 200, content, promptTokens, completionTokens, System.nanoTime() - request.receivedNanos()));
        send(http, 200, response.toString(), null);
    }

    private void sendError(HttpExchange http, Request request, int status, String message, String type,
                           Duration retryAfter) throws IOException {
        ObjectNode error = SimulatedAnswers.JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        if (request != null) {
            log.answered(new Exchange(request, status, null, 0, 0, System.nanoTime() - request.receivedNanos()));
        }
        send(http, status, error.toString(), retryAfter);
    }

    private void send(HttpExchange http, int status, String body, Duration retryAfter) throws IOException {
        log.sent(status);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            http.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
    }

    /** The request as received; throws, saying what is wrong, when it is not a chat-completions request. */
    static Request parse(String path, String body, String authorization, long receivedNanos) {
        JsonNode root;
        try {
            root = SimulatedAnswers.JSON.readTree(body);
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

    /** A virtual thread per request on Java 21+ (built for 17, so found reflectively), else a cached pool of daemon threads. */
    static ExecutorService threads() {
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

    private static void sleep(Duration duration) throws InterruptedException {
        if (duration != null && !duration.isNegative() && !duration.isZero()) {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    }
}
