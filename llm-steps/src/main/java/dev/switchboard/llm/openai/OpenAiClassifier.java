package dev.switchboard.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.chat.ChatAnswer;
import dev.switchboard.llm.chat.ChatEndpoint;
import dev.switchboard.llm.chat.ChatFailures;
import dev.switchboard.llm.chat.OpenAiChatEndpoint;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.schemas.ModelCall;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Classifies texts with an OpenAI-compatible chat endpoint: a thin user of {@link ChatEndpoint} and
 * {@link ClassificationPrompt}. Every answer is checked against the label set, because not every
 * server enforces the schema: anything else is a permanent failure ({@code invalid_output}).
 * Transport failures are mapped by {@link ChatFailures}; whether they are retried depends on the
 * endpoint given (a bare {@link OpenAiChatEndpoint} never retries, a guarded one does).
 */
public final class OpenAiClassifier implements Classifier {

    /** Calls in flight at once for a classifier built from a definition; the rest of a batch waits. */
    static final int MAX_IN_FLIGHT = 8;

    static final String NO_API_KEY = OpenAiChatEndpoint.NO_API_KEY;

    static final String PROMPT_TEMPLATE_VERSION = ClassificationPrompt.TEMPLATE_VERSION;

    private final ChatEndpoint endpoint;
    private final ExecutorService calls;
    private final boolean ownsCalls;

    /** Reads the API key from the environment variable {@code definition.apiKeyEnv()}, if any. */
    public OpenAiClassifier(String name, ModelDefinition definition) {
        this(new OpenAiChatEndpoint(name, definition), ownPool(name), true);
    }

    OpenAiClassifier(String name, ModelDefinition definition, String apiKey) {
        this(new OpenAiChatEndpoint(name, definition, apiKey), ownPool(name), true);
    }

    /** Over a shared (usually guarded) endpoint and the engine's call executor; closing leaves both open. */
    public OpenAiClassifier(ChatEndpoint endpoint, ExecutorService calls) {
        this(endpoint, calls, false);
    }

    private OpenAiClassifier(ChatEndpoint endpoint, ExecutorService calls, boolean ownsCalls) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.calls = calls;
        this.ownsCalls = ownsCalls;
    }

    private static ExecutorService ownPool(String name) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newFixedThreadPool(MAX_IN_FLIGHT, task -> {
            Thread thread = new Thread(task, "model-" + name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return endpoint.name();
    }

    @Override
    public List<Classification> classify(LabelSet labels, List<String> texts) {
        Objects.requireNonNull(labels, "labels");
        if (texts.isEmpty()) {
            return List.of();
        }
        ClassificationPrompt prompt = ClassificationPrompt.of(labels);
        List<CompletableFuture<Classification>> results;
        try {
            results = texts.stream()
                    .map(text -> CompletableFuture.supplyAsync(() -> classifyOne(prompt, text), calls))
                    .toList();
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("Model '" + name() + "' is closed", e);
        }
        return results.stream().map(CompletableFuture::join).toList();
    }

    private Classification classifyOne(ClassificationPrompt prompt, String text) {
        ChatAnswer answer = endpoint.chat(prompt.call("classify", text));
        if (!answer.ok()) {
            return Classification.failed(answer.failure().message(), answer.failure().retriable(),
                    call(prompt, answer, answer.failure().outcome()));
        }
        JsonNode json = PromptText.parseJson(answer.content());
        String problem = ClassificationPrompt.problemWith(json, prompt.labels());
        if (problem != null) {
            String cutOff = answer.truncated()
                    ? "; it was cut off at max_tokens " + endpoint.definition().maxTokens() + ", raise `max_tokens`"
                    : "";
            String reason = "Answer of model '" + name() + "' " + problem + cutOff + ". The model said: " + quote(answer.content());
            return Classification.failed(reason, false, call(prompt, answer, "invalid_output"));
        }
        return Classification.of(json.get("label").asText(), json.get("confidence").doubleValue(), call(prompt, answer, "ok"));
    }

    private ModelCall call(ClassificationPrompt prompt, ChatAnswer answer, String outcome) {
        ModelDefinition definition = endpoint.definition();
        return new ModelCall(name(), answer.model(), prompt.version(), answer.tokensIn(), answer.tokensOut(), answer.latencyMillis(),
                definition.cost(answer.tokensIn(), answer.tokensOut(), answer.latencyMillis()), false, outcome, "classify",
                Map.of("temperature", definition.temperature(), "max_tokens", definition.maxTokens()));
    }

    /** Whether trying the same call again may succeed; decided in {@link ChatFailures}. */
    static boolean isRetriable(Throwable error) {
        return ChatFailures.isRetriable(error);
    }

    static boolean isRetriableStatus(int httpStatus) {
        return ChatFailures.isRetriableStatus(httpStatus);
    }

    static String problemWith(JsonNode answer, LabelSet labels) {
        return ClassificationPrompt.problemWith(answer, labels);
    }

    static String userPrompt(String text) {
        return ClassificationPrompt.userPrompt(text);
    }

    static String quote(String text) {
        return ChatFailures.quote(text);
    }

    /** Lets in-flight calls finish (each is bounded by the timeout); later calls to classify fail. */
    @Override
    public void close() {
        if (ownsCalls) {
            calls.shutdown();
            endpoint.close();
        }
    }
}
