package dev.switchboard.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model endpoint, declared under {@code models:} in the engine configuration. Its limits
 * (concurrency, requests and tokens per minute, circuit breaker) hold for the endpoint as a whole:
 * every workflow that uses the model shares them.
 */
public record ModelDefinition(
        @Option(description = "Provider type: `embedded` runs a sentence encoder in-process (`encoder`); `openai` calls any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama, llama.cpp, LM Studio, OpenRouter).",
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
        @Option(description = "How the limit on calls in flight is set: `fixed` holds it at `max_concurrency`; `adaptive` starts at 8 (or `max_concurrency` when lower) and adapts between 1 and `max_concurrency` (AIMD): it grows by one per call that succeeded in time while half the limit was in use until the first cut, then by one per window of as many such calls as the limit, and is cut to 90% after a 429, a 503, a timeout, or a call slower than twice the fastest seen. For self-hosted servers (vLLM, Ollama, llama.cpp) that slow down and then fail when overloaded.",
                defaultValue = "fixed", allowed = {"fixed", "adaptive"})
        @JsonProperty("concurrency_limit") String concurrencyLimit,
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
        String head,
        @Option(description = "For provider `embedded`: the sentence encoder, run in-process from its Maven artifact. `all-minilm-l6-v2-q` (quantized all-MiniLM-L6-v2, 6 layers) is the fastest; `all-minilm-l6-v2` its float original; `bge-small-en-v15-q` and `e5-small-v2-q` have 12 layers. Names joined by `+` run several encoders side by side, for a `head` with one network per encoder (the most accurate, the slowest). All are English models: other languages go through a chat model. A `head` must have been trained on the same encoder (`switchboard train --encoder`).",
                defaultValue = EncoderModel.DEFAULT_ID, allowed = {"all-minilm-l6-v2-q", "all-minilm-l6-v2", "bge-small-en-v15-q", "e5-small-v2-q",
                        "all-minilm-l6-v2-q+bge-small-en-v15-q", "all-minilm-l6-v2-q+bge-small-en-v15-q+e5-small-v2-q"})
        String encoder) {

    /** The same definition with its head file at {@code path} (the loader resolves it against the configuration's folder). */
    public ModelDefinition withHead(String path) {
        return new ModelDefinition(provider, preset, baseUrl, model, apiKeyEnv, timeoutSeconds, maxTokens, temperature,
                inputPricePerMillion, outputPricePerMillion, pricePerSecond, maxConcurrency, concurrencyLimit, requestsPerMinute, tokensPerMinute,
                retries, maxRetryWaitSeconds, circuitFailureThreshold, circuitOpenSeconds, path, encoder);
    }

    /** The in-process model every registry has under {@code embedded}. */
    public static ModelDefinition embedded() {
        return builder().provider("embedded").model("all-MiniLM-L6-v2").build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Token prices only, for callers that have no latency. */
    public double cost(long tokensIn, long tokensOut) {
        return cost(tokensIn, tokensOut, 0);
    }

    /** Token prices plus call time × {@code price_per_second}. */
    public double cost(long tokensIn, long tokensOut, double latencyMillis) {
        return (tokensIn * inputPricePerMillion + tokensOut * outputPricePerMillion) / 1_000_000d
                + pricePerSecond * latencyMillis / 1000d;
    }

    /**
     * For tests and code that builds definitions. It goes through the options binder as YAML does, so the
     * declared defaults apply to whatever it is not told.
     */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder set(String key, Object value) {
            values.put(key, value);
            return this;
        }

        public Builder provider(String v) { return set("provider", v); }
        public Builder preset(String v) { return set("preset", v); }
        public Builder baseUrl(String v) { return set("base_url", v); }
        public Builder model(String v) { return set("model", v); }
        public Builder apiKeyEnv(String v) { return set("api_key_env", v); }
        public Builder timeoutSeconds(Integer v) { return set("timeout_seconds", v); }
        public Builder maxTokens(Integer v) { return set("max_tokens", v); }
        public Builder temperature(Double v) { return set("temperature", v); }
        public Builder prices(Double inPerMillion, Double outPerMillion) { return set("input_price_per_million", inPerMillion).set("output_price_per_million", outPerMillion); }
        public Builder pricePerSecond(Double v) { return set("price_per_second", v); }
        public Builder maxConcurrency(Integer v) { return set("max_concurrency", v); }
        public Builder concurrencyLimit(String v) { return set("concurrency_limit", v); }
        public Builder requestsPerMinute(Integer v) { return set("requests_per_minute", v); }
        public Builder tokensPerMinute(Integer v) { return set("tokens_per_minute", v); }
        public Builder retries(Integer v) { return set("retries", v); }
        public Builder maxRetryWaitSeconds(Integer v) { return set("max_retry_wait_seconds", v); }
        public Builder encoder(String v) { return set("encoder", v); }
        public Builder head(String v) { return set("head", v); }
        public Builder circuit(Integer failureThreshold, Integer openSeconds) { return set("circuit_failure_threshold", failureThreshold).set("circuit_open_seconds", openSeconds); }

        /** @throws IllegalArgumentException when a value is out of its declared bounds or not allowed */
        public ModelDefinition build() {
            return OptionValues.fromMap(ModelDefinition.class, values);
        }
    }
}
