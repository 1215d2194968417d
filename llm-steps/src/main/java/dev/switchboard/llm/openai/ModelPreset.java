package dev.switchboard.llm.openai;

import dev.switchboard.llm.ModelDefinition;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Defaults for well-known OpenAI-compatible endpoints, chosen with {@code preset:} under a model of the
 * {@code openai} provider. Anything set on the model itself wins.
 */
public enum ModelPreset {
    DEEPSEEK("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", false),
    QWEN("qwen", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", true),
    VLLM("vllm", "http://127.0.0.1:8000/v1", null, true),
    OLLAMA("ollama", "http://127.0.0.1:11434/v1", null, true),
    LLAMACPP("llamacpp", "http://127.0.0.1:8080/v1", null, true),
    OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true),
    LMSTUDIO("lmstudio", "http://127.0.0.1:1234/v1", null, true);

    /** The names, for {@code @Option(allowed = ...)}; a test keeps it equal to the enum. */
    public static final String[] NAMES = {"deepseek", "qwen", "vllm", "ollama", "llamacpp", "openrouter", "lmstudio"};

    private final String key;
    private final String baseUrl;
    /** The environment variable the provider's documentation uses for the key, or null for local servers. */
    private final String apiKeyEnv;
    /** Whether the endpoint accepts {@code response_format: json_schema}; DeepSeek's API takes only {@code json_object}. */
    private final boolean jsonSchema;

    ModelPreset(String key, String baseUrl, String apiKeyEnv, boolean jsonSchema) {
        this.key = key;
        this.baseUrl = baseUrl;
        this.apiKeyEnv = apiKeyEnv;
        this.jsonSchema = jsonSchema;
    }

    public String key() {
        return key;
    }

    /** The model's base URL, else its preset's; null when neither gives one. */
    public static String baseUrlOf(ModelDefinition definition) {
        return definition.baseUrl() != null ? definition.baseUrl() : definition.preset() == null ? null : of(definition.preset()).baseUrl;
    }

    /** The variable that holds the model's API key, else its preset's; null for none. */
    public static String apiKeyEnvOf(ModelDefinition definition) {
        return definition.apiKeyEnv() != null ? definition.apiKeyEnv() : definition.preset() == null ? null : of(definition.preset()).apiKeyEnv;
    }

    /** Whether the model's endpoint takes JSON-schema answers: yes, unless its preset says otherwise. */
    public static boolean jsonSchemaOf(ModelDefinition definition) {
        return definition.preset() == null || of(definition.preset()).jsonSchema;
    }

    public static ModelPreset of(String key) {
        if (key == null) {
            return null;
        }
        return Arrays.stream(values()).filter(preset -> preset.key.equals(key.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown preset '" + key + "'; expected one of " + List.of(NAMES)));
    }
}
