package dev.switchboard.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/**
 * One model endpoint, declared under {@code models:} in the engine configuration.
 */
public record ModelDefinition(
        @Option(description = "Provider type: `embedded` runs all-MiniLM-L6-v2 in-process; `openai` calls any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama, llama.cpp, OpenRouter).",
                required = true, allowed = {"embedded", "openai"})
        String provider,
        @Option(description = "Base URL of the OpenAI-compatible API, e.g. `https://api.deepseek.com/v1` or `http://127.0.0.1:8000/v1`.")
        @JsonProperty("base_url") String baseUrl,
        @Option(description = "Model name sent to the endpoint, e.g. `deepseek-chat` or `qwen2.5-7b-instruct`.")
        String model,
        @Option(description = "Name of the environment variable that holds the API key. The key itself never appears in configuration or logs.", secret = true)
        @JsonProperty("api_key_env") String apiKeyEnv,
        @Option(description = "Timeout of one call, in seconds.", defaultValue = "30", minimum = 1)
        @JsonProperty("timeout_seconds") Integer timeoutSeconds,
        @Option(description = "Upper bound on output tokens; every call carries it.", defaultValue = "256", minimum = 1)
        @JsonProperty("max_tokens") Integer maxTokens,
        @Option(description = "Sampling temperature.", defaultValue = "0", minimum = 0, maximum = 2)
        Double temperature,
        @Option(description = "Price in US dollars per million input tokens.", defaultValue = "0", minimum = 0)
        @JsonProperty("input_price_per_million") Double inputPricePerMillion,
        @Option(description = "Price in US dollars per million output tokens.", defaultValue = "0", minimum = 0)
        @JsonProperty("output_price_per_million") Double outputPricePerMillion) {

    public static ModelDefinition embedded() {
        return new ModelDefinition("embedded", null, "all-MiniLM-L6-v2", null, null, null, null, null, null);
    }

    public int timeoutSecondsOrDefault() {
        return timeoutSeconds == null ? 30 : timeoutSeconds;
    }

    public int maxTokensOrDefault() {
        return maxTokens == null ? 256 : maxTokens;
    }

    public double temperatureOrDefault() {
        return temperature == null ? 0 : temperature;
    }

    public double cost(long tokensIn, long tokensOut) {
        double in = inputPricePerMillion == null ? 0 : inputPricePerMillion;
        double out = outputPricePerMillion == null ? 0 : outputPricePerMillion;
        return (tokensIn * in + tokensOut * out) / 1_000_000d;
    }
}
