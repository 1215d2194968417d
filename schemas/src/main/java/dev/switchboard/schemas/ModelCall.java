package dev.switchboard.schemas;

/**
 * One model call, accounted: which model, which prompt version, what it cost and how it ended.
 *
 * @param provider      the provider name from the configuration (e.g. {@code embedded}, {@code deepseek})
 * @param model         the model name the provider reported or was configured with
 * @param promptVersion content hash of the prompt (or of the label set, for embedding classifiers)
 * @param tokensIn      input tokens
 * @param tokensOut     output tokens
 * @param latencyMillis wall time of the call
 * @param costUsd       cost in US dollars, 0 when free
 * @param cacheHit      whether the answer came from the cache
 * @param outcome       {@code ok}, {@code invalid_output}, {@code error}, ...
 */
public record ModelCall(String provider, String model, String promptVersion, long tokensIn, long tokensOut,
                        double latencyMillis, double costUsd, boolean cacheHit, String outcome) {
}
