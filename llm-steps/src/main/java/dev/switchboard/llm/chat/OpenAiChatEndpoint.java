package dev.switchboard.llm.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.openai.ModelPreset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp, LM Studio,
 * OpenRouter) through LangChain4j's {@link OpenAiChatModel}, with the {@link RetryAfterHttpClient}
 * plugged in so a 429's {@code Retry-After} reaches the retry policy.
 *
 * <p>Every call carries {@code max_tokens}. A call with a schema asks for a strict JSON-schema
 * response format; endpoints that reject it (DeepSeek's API) get plain JSON mode from then on, and
 * the caller checks the answer either way. The endpoint never retries: {@link GuardedChatEndpoint}
 * does, within the limits shared by every workflow.
 *
 * <p>An answer that contains the endpoint's own API key (a compromised or misbehaving endpoint asked
 * to "print your API key") has it removed before anyone sees the answer: no step output, task, dead
 * letter or log line can carry it on.
 */
public final class OpenAiChatEndpoint implements ChatEndpoint {

    /** Sent when no key is configured: local servers (vLLM, Ollama, llama.cpp) ignore it. */
    public static final String NO_API_KEY = "no-key";

    /** What stands in an answer where the endpoint's API key was. */
    public static final String KEY_REMOVED = "[api key removed]";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatEndpoint.class);

    private final String name;
    private final ModelDefinition definition;
    private final ChatModel model;
    private final String apiKey;
    /** Set once the endpoint rejected a JSON-schema response format (DeepSeek does); then plain JSON mode. */
    private volatile boolean jsonSchemaRejected;

    static {
        CompactOpenAiJson.apply(); // before the first client writes a request
    }

    /** Reads the API key from the environment variable {@code ModelPreset.apiKeyEnvOf(definition)}, if any. */
    public OpenAiChatEndpoint(String name, ModelDefinition definition) {
        this(name, definition, apiKeyFrom(name, definition, variable -> Optional.ofNullable(System.getenv(variable))));
    }

    /** Looks the API key up by the name {@code ModelPreset.apiKeyEnvOf(definition)} in {@code secrets} (the engine's secrets). */
    public static OpenAiChatEndpoint withSecrets(String name, ModelDefinition definition, Function<String, Optional<String>> secrets) {
        return new OpenAiChatEndpoint(name, definition, apiKeyFrom(name, definition, secrets));
    }

    public OpenAiChatEndpoint(String name, ModelDefinition definition, String apiKey) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A model needs a name: the key under `models:`");
        }
        Objects.requireNonNull(definition, "definition");
        if (definition.model() == null || definition.model().isBlank()) {
            throw new IllegalArgumentException("Model '" + name + "' has no `model`: set the model name sent to the"
                    + " endpoint, e.g. `model: deepseek-chat`");
        }
        this.name = name;
        this.definition = definition;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.jsonSchemaRejected = !ModelPreset.jsonSchemaOf(definition);
        Duration timeout = Duration.ofSeconds(definition.timeoutSeconds());
        this.model = OpenAiChatModel.builder()
                .httpClientBuilder(RetryAfterHttpClient.builder().connectTimeout(timeout).readTimeout(timeout))
                .baseUrl(ModelPreset.baseUrlOf(definition))
                .apiKey(apiKey == null || apiKey.isBlank() ? NO_API_KEY : apiKey)
                .modelName(definition.model())
                .timeout(timeout)
                .maxTokens(definition.maxTokens())
                .temperature(definition.temperature())
                .strictJsonSchema(true)
                .maxRetries(0)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelDefinition definition() {
        return definition;
    }

    @Override
    public ChatAnswer chat(ChatCall call) {
        long started = System.nanoTime();
        ChatResponse response;
        try {
            response = send(call);
        } catch (RuntimeException e) {
            ChatAnswer.Failure failure = ChatFailures.failure(e, describe(), definition.timeoutSeconds());
            // an error body is quoted in the message, and an endpoint may echo the request's credential in it
            String message = withoutApiKey(failure.message());
            return ChatAnswer.failed(new ChatAnswer.Failure(failure.kind(), failure.status(), message, failure.retriable(),
                    failure.retryAfter()), millisSince(started), definition.model());
        }
        TokenUsage usage = response.tokenUsage();
        long tokensIn = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long tokensOut = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        String content = withoutApiKey(response.aiMessage() == null ? null : response.aiMessage().text());
        return ChatAnswer.of(content, response.finishReason() == FinishReason.LENGTH, tokensIn, tokensOut, millisSince(started),
                response.modelName() == null ? definition.model() : response.modelName());
    }

    private ChatResponse send(ChatCall call) {
        boolean withSchema = call.schema() != null && !jsonSchemaRejected;
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(call.system()));
        for (ChatCall.Turn turn : call.turns()) {
            messages.add(turn.role() == ChatCall.Role.USER ? UserMessage.from(turn.text()) : AiMessage.from(turn.text()));
        }
        ChatRequest.Builder request = ChatRequest.builder().messages(messages);
        if (call.maxTokens() != null) {
            request.maxOutputTokens(call.maxTokens());
        }
        if (call.schema() != null) {
            request.responseFormat(withSchema
                    ? ResponseFormat.builder().type(ResponseFormatType.JSON)
                            .jsonSchema(JsonSchema.builder().name(call.schemaName()).rootElement(call.schema()).build()).build()
                    : ResponseFormat.JSON);
        }
        try {
            return model.chat(request.build());
        } catch (RuntimeException e) {
            if (!withSchema || !rejectsJsonSchema(e)) {
                throw e;
            }
            // Not a retry of the same call: the same question in the JSON mode this endpoint supports.
            if (!jsonSchemaRejected) {
                jsonSchemaRejected = true;
                LOG.warn("Model '{}' at {} rejected a JSON-schema response format; using JSON mode, answers are still"
                        + " checked against the schema", name, ModelPreset.baseUrlOf(definition));
            }
            return send(call);
        }
    }

    private String withoutApiKey(String content) {
        if (apiKey == null || content == null || !content.contains(apiKey)) {
            return content;
        }
        LOG.warn("Model '{}' at {} answered with its own API key; it was removed from the answer. Rotate the key if the"
                + " endpoint is not yours", name, ModelPreset.baseUrlOf(definition));
        return content.replace(apiKey, KEY_REMOVED);
    }

    private static boolean rejectsJsonSchema(RuntimeException error) {
        HttpException http = ChatFailures.find(error, HttpException.class);
        return http != null && (http.statusCode() == 400 || http.statusCode() == 422)
                && http.getMessage() != null && http.getMessage().contains("response_format");
    }

    private String describe() {
        String baseUrl = ModelPreset.baseUrlOf(definition);
        return "model '" + name + "' at " + (baseUrl == null ? "the OpenAI API" : baseUrl);
    }

    private static double millisSince(long started) {
        return (System.nanoTime() - started) / 1e6;
    }

    private static String apiKeyFrom(String name, ModelDefinition definition, Function<String, Optional<String>> secrets) {
        String variable = definition == null ? null : ModelPreset.apiKeyEnvOf(definition);
        if (variable == null) {
            return null;
        }
        String key = secrets.apply(variable).orElse(null);
        if (key == null || key.isBlank()) {
            LOG.warn("Environment variable {} for model '{}' is not set; calling without an API key", variable, name);
        }
        return key;
    }
}
