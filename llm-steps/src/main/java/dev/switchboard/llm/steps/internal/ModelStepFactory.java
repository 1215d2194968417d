package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the factories of the model steps share: the options type, the check that the model exists and can
 * answer this step, and the registry and prompt id every {@link ModelStep} is created with.
 *
 * @param <O> the step's options record
 */
public abstract class ModelStepFactory<O extends Record & ModelStepOptions> implements StepFactory<O> {

    private final Class<O> optionsType = optionsTypeOf(getClass());

    /** The options record: the type argument the step's factory gives this class. */
    @SuppressWarnings("unchecked")
    private static <O> Class<O> optionsTypeOf(Class<?> factory) {
        return (Class<O>) ((ParameterizedType) factory.getGenericSuperclass()).getActualTypeArguments()[0];
    }

    /** Whether the in-process models can answer this step (they classify; they cannot write). */
    protected boolean answersInProcess() {
        return false;
    }

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }

    /** The step's own checks, then the model's. */
    @Override
    public List<OptionProblem> check(O options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(checkOwn(options, environment));
        if (options.promptFile() != null) {
            Path file = environment.baseDir().resolve(options.promptFile());
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problems.add(OptionProblem.at("prompt_file", "Unreadable file").got(options.promptFile())
                        .expected("a Markdown prompt template relative to the workflow file").fix("Create it, or remove prompt_file to use the bundled prompt"));
            }
        }
        environment.service(ModelRegistry.class).ifPresent(models -> problems.addAll(checkModel(options.model(), models)));
        return problems;
    }

    /** Checks of the step's own options that their declared types and bounds cannot express. */
    protected List<OptionProblem> checkOwn(O options, StepEnvironment environment) {
        return List.of();
    }

    /**
     * The step's own output fields, then what every model step adds: the model that answered, the prompt's id and
     * version, how many models of the chain fell through ({@code fallbacks}) and, when the input was flagged, the
     * injection screen's finding.
     */
    @Override
    public final ValueType outputs(O options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>(outputFields(options, environment));
        fields.put("model", ValueType.text());
        fields.put("prompt_id", ValueType.text());
        fields.put("prompt_version", ValueType.text());
        fields.put("fallbacks", ValueType.integer());
        fields.put("injection_suspected", ValueType.bool());
        fields.put("injection_reason", ValueType.text());
        return ValueType.object(fields);
    }

    /** The fields of the step's own answer (a classify step's {@code label} and {@code confidence}). */
    protected abstract Map<String, ValueType> outputFields(O options, StepEnvironment environment);

    /** The model or alias must be configured, and a chain must hold a model that can answer this step. */
    private List<OptionProblem> checkModel(String model, ModelRegistry models) {
        if (!models.contains(model)) {
            return List.of(OptionProblem.at("model", "Unknown model").got(model).expected("one of " + models.names())
                    .fix("Declare it under models: or aliases: in the engine configuration"));
        }
        if (!answersInProcess() && models.chain(model).stream().allMatch(member -> !models.chats(member))) {
            return List.of(OptionProblem.at("model", "Model cannot write").got(model)
                    .expected("a chat model (provider openai) or an alias with one")
                    .fix("; the embedded model only embeds and classifies"));
        }
        return List.of();
    }

    @Override
    public final Step create(String stepId, O options, StepEnvironment environment) {
        ModelRegistry models = environment.service(ModelRegistry.class)
                .orElseThrow(() -> new IllegalStateException("The engine offers no model registry"));
        return create(new ModelStep.Setup(models, optionsType.getAnnotation(Documentation.class).name(), stepId, options),
                options, environment);
    }

    /** The workflow's {@code prompt_file} when it sets one, else the bundled template {@code prompts/<name>.md}. */
    protected static PromptTemplate prompt(String name, ModelStepOptions options, StepEnvironment environment) {
        return PromptTemplate.of(name, options.promptFile(), environment.baseDir());
    }

    /** The step, from what every model step is created with and the step's own options. */
    protected abstract Step create(ModelStep.Setup setup, O options, StepEnvironment environment);
}
