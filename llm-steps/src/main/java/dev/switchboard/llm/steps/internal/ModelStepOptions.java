package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Descriptions and defaults of the options every model step has. Each step's options record
 * declares them (a record cannot inherit components) with these constants, so a description or a
 * default is written once.
 */
public final class ModelStepOptions {

    public static final String MODEL = "The model or alias to use, by its name under `models:` or `aliases:` in the engine configuration. An alias is a chain: the next model is tried when one fails, answers invalidly or below `min_confidence`.";
    public static final String MIN_CONFIDENCE = "Answers with a lower confidence fall through to the next model of the chain; when none reaches it, the event goes to the review topic.";
    public static final String MAX_INPUT_CHARS = "Input longer than this many characters is cut before it reaches a model.";
    public static final String MAX_INPUT_CHARS_DEFAULT = "4000";
    public static final String CACHE = "Reuse validated answers for the same model, prompt version and input (whitespace-collapsed): `workflow` within this workflow, `shared` across workflows that set it too, `off` never.";
    public static final String CACHE_DEFAULT = "workflow";
    public static final String CACHE_TTL = "How long a cached answer is reused, in seconds.";
    public static final String CACHE_TTL_DEFAULT = "3600";
    public static final String MASK_PII = "Mask emails, phone numbers, IBANs, card numbers and names given away by the text before calls to models that are not in-process; the answer gets the originals back.";
    public static final String MASK_PII_DEFAULT = "true";
    public static final String INJECTION = "What to do with input that looks like prompt injection: `flag` adds `injection_suspected` to the output, `review` sends the event to the review topic, `block` dead-letters it, `off` does not screen.";
    public static final String INJECTION_DEFAULT = "flag";

    private ModelStepOptions() {
    }

    public static ModelStep.Settings settings(String type, String stepId, String model, Double minConfidence, Integer maxInputChars,
                                              String cache, Integer cacheTtlSeconds, Boolean maskPii, String injection) {
        return new ModelStep.Settings(type, stepId, model == null ? ModelRegistry.EMBEDDED : model, minConfidence,
                maxInputChars == null ? Integer.parseInt(MAX_INPUT_CHARS_DEFAULT) : maxInputChars,
                cache == null ? CACHE_DEFAULT : cache,
                Duration.ofSeconds(cacheTtlSeconds == null ? Long.parseLong(CACHE_TTL_DEFAULT) : cacheTtlSeconds),
                maskPii == null || maskPii, injection == null ? INJECTION_DEFAULT : injection);
    }

    /** The model or alias must be configured; a chain must hold a model this step can use. */
    public static List<String> checkModel(String model, boolean embeddedCapable, StepEnvironment environment) {
        List<String> problems = new ArrayList<>();
        String name = model == null ? ModelRegistry.EMBEDDED : model;
        environment.service(ModelRegistry.class).ifPresent(models -> {
            if (!models.contains(name)) {
                problems.add("Unknown model at model: got '" + name + "', expected one of " + models.names()
                        + ". Declare it under models: or aliases: in the engine configuration");
            } else if (!embeddedCapable && models.chain(name).stream().allMatch(m -> models.definition(m).isEmbedded())) {
                problems.add("Model cannot write at model: got '" + name + "', expected a chat model (provider openai) or an alias"
                        + " with one; the embedded model only embeds and classifies");
            }
        });
        return problems;
    }

    public static ModelRegistry registry(StepEnvironment environment) {
        return environment.service(ModelRegistry.class)
                .orElseThrow(() -> new IllegalStateException("The engine offers no model registry"));
    }
}
