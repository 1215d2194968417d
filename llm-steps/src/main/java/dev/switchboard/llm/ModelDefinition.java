package dev.switchboard.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/**
 * One model endpoint, declared under {@code models:} in the engine configuration. Its limits
 * (concurrency, requests and tokens per minute, circuit breaker) hold for the endpoint as a whole:
 * every workflow that uses the model shares them.
 */
public record ModelDefinition(
        @Option(description = "Provider type: `embedded` runs all-MiniLM-L6-v2 in-process; `openai` calls any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama, llama.cpp, LM Studio, OpenRouter).",
                defaultValue = "openai", allowed = {"embedded", "openai"})
        String provider,
        @Option(description = "Defaults for a well-known endpoint: its `base_url`, its `api_key_env` and whether it takes JSON-schema answers. Options set here win.",
                allowed = {"deepseek", "qwen", "vllm", "ollama", "llamacpp", "openrouter", "lmstudio"})
        String preset,
        @Option(description = "Base URL of the OpenAI-compatible API, e.g. `https://api.deepseek.com/v1` or `http://127.0.0.1:8000/v1`. Needed unless a `preset` gives it.")
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
        @JsonProperty("output_price_per_million") Double outputPricePerMillion,
        @Option(description = "Price in US dollars per second of call time, for self-hosted endpoints (a GPU's hourly cost / 3600). Added to token prices.", defaultValue = "0", minimum = 0)
        @JsonProperty("price_per_second") Double pricePerSecond,
        @Option(description = "Calls in flight at once to this endpoint, across all workflows; more wait for a slot.", defaultValue = "8", minimum = 1, maximum = 100000)
        @JsonProperty("max_concurrency") Integer maxConcurrency,
        @Option(description = "Requests per minute admitted to this endpoint, across all workflows, paced evenly; unset means no limit.", minimum = 1)
        @JsonProperty("requests_per_minute") Integer requestsPerMinute,
        @Option(description = "Tokens per minute admitted to this endpoint, across all workflows: each call counts its estimated input plus `max_tokens`, as providers count; unset means no limit.", minimum = 1)
        @JsonProperty("tokens_per_minute") Integer tokensPerMinute,
        @Option(description = "Retries of a call that failed retriably (connection error, timeout, 429, 5xx), with exponential backoff from 0.5 s that honours `Retry-After`.", defaultValue = "2", minimum = 0, maximum = 10)
        Integer retries,
        @Option(description = "The longest wait before a retry; a `Retry-After` longer than this is not waited for, the call falls through to the next model of the chain instead.", defaultValue = "10", minimum = 0)
        @JsonProperty("max_retry_wait_seconds") Integer maxRetryWaitSeconds,
        @Option(description = "Consecutive failed calls (after retries) that open the circuit: then the endpoint is not called and chains fall through at once.", defaultValue = "5", minimum = 1)
        @JsonProperty("circuit_failure_threshold") Integer circuitFailureThreshold,
        @Option(description = "How long an open circuit stays open before one trial call is let through.", defaultValue = "30", minimum = 1)
        @JsonProperty("circuit_open_seconds") Integer circuitOpenSeconds,
        @Option(description = "For provider `embedded`: a classifier head trained on this model's embeddings by `switchboard train` (a `.head` file, relative to this configuration file). The classify step then answers with the head's labels, or a subset of them; without it, the embedded model classifies zero-shot from label descriptions and examples.")
        String head) {

    public static final int DEFAULT_MAX_CONCURRENCY = 8;

    /** The options of the walking skeleton, kept for callers that name only those. */
    public ModelDefinition(String provider, String baseUrl, String model, String apiKeyEnv, Integer timeoutSeconds,
                           Integer maxTokens, Double temperature, Double inputPricePerMillion, Double outputPricePerMillion) {
        this(provider, null, baseUrl, model, apiKeyEnv, timeoutSeconds, maxTokens, temperature, inputPricePerMillion,
                outputPricePerMillion, null, null, null, null, null, null, null, null, null);
    }

    /** All options but {@code head}, as before it existed. */
    public ModelDefinition(String provider, String preset, String baseUrl, String model, String apiKeyEnv, Integer timeoutSeconds,
                           Integer maxTokens, Double temperature, Double inputPricePerMillion, Double outputPricePerMillion,
                           Double pricePerSecond, Integer maxConcurrency, Integer requestsPerMinute, Integer tokensPerMinute,
                           Integer retries, Integer maxRetryWaitSeconds, Integer circuitFailureThreshold, Integer circuitOpenSeconds) {
        this(provider, preset, baseUrl, model, apiKeyEnv, timeoutSeconds, maxTokens, temperature, inputPricePerMillion,
                outputPricePerMillion, pricePerSecond, maxConcurrency, requestsPerMinute, tokensPerMinute, retries,
                maxRetryWaitSeconds, circuitFailureThreshold, circuitOpenSeconds, null);
    }

    /** The same definition with its head file at {@code path} (the loader resolves it against the configuration's folder). */
    public ModelDefinition withHead(String path) {
        return new ModelDefinition(provider, preset, baseUrl, model, apiKeyEnv, timeoutSeconds, maxTokens, temperature,
                inputPricePerMillion, outputPricePerMillion, pricePerSecond, maxConcurrency, requestsPerMinute, tokensPerMinute,
                retries, maxRetryWaitSeconds, circuitFailureThreshold, circuitOpenSeconds, path);
    }

    public static ModelDefinition embedded() {
        return new ModelDefinition("embedded", null, "all-MiniLM-L6-v2", null, null, null, null, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String providerOrDefault() {
        return provider == null ? "openai" : provider;
    }

    public boolean isEmbedded() {
        return "embedded".equals(provider);
    }

    public ModelPreset presetOrNull() {
        return ModelPreset.of(preset);
    }

    public String baseUrlOrPreset() {
        return baseUrl != null ? baseUrl : preset == null ? null : presetOrNull().baseUrl();
    }

    public String apiKeyEnvOrPreset() {
        return apiKeyEnv != null ? apiKeyEnv : preset == null ? null : presetOrNull().apiKeyEnv();
    }

    public boolean jsonSchemaSupported() {
        return preset == null || presetOrNull().jsonSchema();
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

    public int maxConcurrencyOrDefault() {
        return maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : maxConcurrency;
    }

    public int retriesOrDefault() {
        return retries == null ? 2 : retries;
    }

    public int maxRetryWaitSecondsOrDefault() {
        return maxRetryWaitSeconds == null ? 10 : maxRetryWaitSeconds;
    }

    public int circuitFailureThresholdOrDefault() {
        return circuitFailureThreshold == null ? 5 : circuitFailureThreshold;
    }

    public int circuitOpenSecondsOrDefault() {
        return circuitOpenSeconds == null ? 30 : circuitOpenSeconds;
    }

    /** Token prices only, for callers that have no latency. */
    public double cost(long tokensIn, long tokensOut) {
        return cost(tokensIn, tokensOut, 0);
    }

    /** Token prices plus call time × {@code price_per_second}. */
    public double cost(long tokensIn, long tokensOut, double latencyMillis) {
        double in = inputPricePerMillion == null ? 0 : inputPricePerMillion;
        double out = outputPricePerMillion == null ? 0 : outputPricePerMillion;
        double perSecond = pricePerSecond == null ? 0 : pricePerSecond;
        return (tokensIn * in + tokensOut * out) / 1_000_000d + perSecond * latencyMillis / 1000d;
    }

    /** For tests and code that builds definitions; YAML goes through the options binder. */
    public static final class Builder {
        private String provider = "openai";
        private String preset;
        private String baseUrl;
        private String model;
        private String apiKeyEnv;
        private Integer timeoutSeconds;
        private Integer maxTokens;
        private Double temperature;
        private Double inputPrice;
        private Double outputPrice;
        private Double pricePerSecond;
        private Integer maxConcurrency;
        private Integer requestsPerMinute;
        private Integer tokensPerMinute;
        private Integer retries;
        private Integer maxRetryWaitSeconds;
        private Integer circuitFailureThreshold;
        private Integer circuitOpenSeconds;

        public Builder provider(String v) { this.provider = v; return this; }
        public Builder preset(String v) { this.preset = v; return this; }
        public Builder baseUrl(String v) { this.baseUrl = v; return this; }
        public Builder model(String v) { this.model = v; return this; }
        public Builder apiKeyEnv(String v) { this.apiKeyEnv = v; return this; }
        public Builder timeoutSeconds(Integer v) { this.timeoutSeconds = v; return this; }
        public Builder maxTokens(Integer v) { this.maxTokens = v; return this; }
        public Builder temperature(Double v) { this.temperature = v; return this; }
        public Builder prices(Double inPerMillion, Double outPerMillion) { this.inputPrice = inPerMillion; this.outputPrice = outPerMillion; return this; }
        public Builder pricePerSecond(Double v) { this.pricePerSecond = v; return this; }
        public Builder maxConcurrency(Integer v) { this.maxConcurrency = v; return this; }
        public Builder requestsPerMinute(Integer v) { this.requestsPerMinute = v; return this; }
        public Builder tokensPerMinute(Integer v) { this.tokensPerMinute = v; return this; }
        public Builder retries(Integer v) { this.retries = v; return this; }
        public Builder maxRetryWaitSeconds(Integer v) { this.maxRetryWaitSeconds = v; return this; }
        public Builder circuit(Integer failureThreshold, Integer openSeconds) { this.circuitFailureThreshold = failureThreshold; this.circuitOpenSeconds = openSeconds; return this; }

        public ModelDefinition build() {
            return new ModelDefinition(provider, preset, baseUrl, model, apiKeyEnv, timeoutSeconds, maxTokens, temperature,
                    inputPrice, outputPrice, pricePerSecond, maxConcurrency, requestsPerMinute, tokensPerMinute, retries,
                    maxRetryWaitSeconds, circuitFailureThreshold, circuitOpenSeconds);
        }
    }
}
