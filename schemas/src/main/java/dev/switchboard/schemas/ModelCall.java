package dev.switchboard.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One model call, accounted: which model, which prompt version, what it cost and how it ended.
 * The audit topic gets one record per call (with workflow, step and event id around it) and a task
 * carries the calls that led to it as lineage.
 *
 * @param provider      the provider name from the configuration (e.g. {@code embedded}, {@code deepseek})
 * @param model         the model name the provider reported or was configured with
 * @param promptVersion content hash of the prompt (or of the label set, for embedding classifiers)
 * @param tokensIn      input tokens
 * @param tokensOut     output tokens
 * @param latencyMillis wall time of the call
 * @param costUsd       cost in US dollars, 0 when free (and for cache hits)
 * @param cacheHit      whether the answer came from the cache
 * @param outcome       {@code ok}, {@code invalid_output}, {@code low_confidence}, {@code error}, {@code circuit_open}, ...
 * @param promptId      which prompt: the step type and step id, e.g. {@code extract/contact}; null when not known
 * @param parameters    the request parameters that shape the answer (temperature, max_tokens, attempt, repair); may be empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCall(String provider, String model, String promptVersion, long tokensIn, long tokensOut,
                        double latencyMillis, double costUsd, boolean cacheHit, String outcome,
                        String promptId, Map<String, Object> parameters) {

    public ModelCall {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public ModelCall(String provider, String model, String promptVersion, long tokensIn, long tokensOut,
                     double latencyMillis, double costUsd, boolean cacheHit, String outcome) {
        this(provider, model, promptVersion, tokensIn, tokensOut, latencyMillis, costUsd, cacheHit, outcome, null, Map.of());
    }

    /** The same call with another outcome (an answer that parsed but failed validation, say). */
    public ModelCall withOutcome(String newOutcome) {
        return new ModelCall(provider, model, promptVersion, tokensIn, tokensOut, latencyMillis, costUsd, cacheHit,
                newOutcome, promptId, parameters);
    }
}
