package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.llm.steps.internal.ExamplesFile;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
import dev.switchboard.llm.steps.internal.ModelStepOptions;
import dev.switchboard.schemas.files.FileErrors;
import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes {@link ClassifyStep}s: their options, examples and checks. The labels come from the options or,
 * when left out, from the trained head of the step's model; a trained head can only answer labels it
 * was trained on, which the check enforces when the workflow loads.
 */
public final class ClassifyStepFactory extends ModelStepFactory<ClassifyStepFactory.Options> {

    @Documentation(name = "classify", summary = "Puts the event into one label of a fixed set, with a confidence in [0, 1].",
            description = """
                    Output: `label` (one of `labels`), `confidence` (0 to 1), `model` (the one that answered), \
                    `prompt_id` and `prompt_version` (a content hash of labels, descriptions, examples and the prompt). \
                    With an `embedded` model it runs the model's sentence encoder in-process (English text): zero-shot from the label descriptions, \
                    better with a few `examples` per label; with an `embedded` model that has a trained `head` \
                    (`switchboard train`), the head answers and `labels` may be left out. With an `openai` model the answer is constrained by a JSON schema \
                    whose `label` is an enum of the labels. With `min_confidence`, an answer below it falls through to the \
                    next model of the alias, and to the review topic when none is sure enough.""")
    @Example(title = "Triage a support ticket", yaml = """
            id: triage
            classify:
              input: "{{ event.data.subject }}\\n\\n{{ event.data.body }}"
              labels:
                billing: Invoices, charges, refunds and payment methods
                bug: Something in the product is broken, crashes or shows an error
                how_to: Questions about how to use or configure a feature
              examples:
                billing:
                  - I was charged twice this month
              model: embedded
            """)
    @Example(title = "A chain with a confidence threshold and examples from a file", yaml = """
            id: intent
            classify:
              input: "{{ event.data.body }}"
              labels:
                cancel: The customer wants to cancel or downgrade
                upgrade: The customer asks about a bigger plan
                other: Anything else
              examples_file: examples/intent.yaml
              model: fast
              min_confidence: 0.7
            """)
    public record Options(
            @Option(description = "The text to classify: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "The labels, each with a description of what belongs in it. At least two. Optional when the model has a trained `head`: then the step answers with the head's labels, and labels given here must be among them (the step then chooses between those only).")
            Map<String, String> labels,
            @Option(description = "Few-shot examples per label: short texts that belong in it.")
            Map<String, List<String>> examples,
            @Option(description = "A file of few-shot examples, relative to the workflow file: YAML or JSON mapping labels to lists of texts, or JSON Lines of {\"label\", \"text\"}. Added to `examples`.", file = true)
            @JsonProperty("examples_file") String examplesFile,
            @Option(description = ModelOptions.MODEL, defaultValue = ModelRegistry.EMBEDDED)
            String model,
            @Option(description = ModelOptions.PROMPT_FILE, file = true)
            @JsonProperty("prompt_file") String promptFile,
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ModelStepOptions {
    }

    @Override
    protected boolean answersInProcess() {
        return true;
    }

    /** The step's labels, examples and file, then (after the model) what the chain's trained heads allow. */
    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(super.check(options, environment));
        environment.service(ModelRegistry.class).filter(models -> models.contains(options.model()))
                .ifPresent(models -> problems.addAll(checkHeads(options, models)));
        return problems;
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        Map<String, String> labels = options.labels();
        if (labels != null && labels.size() < 2) {
            // a count, not a value: unquoted, unlike got(...)
            problems.add(OptionProblem.at("labels", "Too few labels")
                    .fix(": got " + labels.size() + ", expected at least 2. Add the labels the step must choose between"));
        }
        if (options.examples() != null && labels != null) {
            for (String label : options.examples().keySet()) {
                if (!labels.containsKey(label)) {
                    problems.add(OptionProblem.at("examples." + label, "Examples for unknown label").got(label)
                            .expected("one of " + labels.keySet()).fix("Add it to labels or fix its name"));
                }
            }
        }
        if (options.examplesFile() != null) {
            try {
                for (String label : ExamplesFile.read(environment.baseDir().resolve(options.examplesFile())).keySet()) {
                    if (labels != null && !labels.containsKey(label)) {
                        problems.add(OptionProblem.at("examples_file", "Examples for unknown label").got(label)
                                .expected("one of " + labels.keySet()).fix("Add it to labels or fix " + options.examplesFile()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                problems.add(OptionProblem.at("examples_file", "Unreadable file").got(options.examplesFile())
                        .expected("a YAML, JSON or JSON Lines file relative to the workflow file").fix("Reading it failed: " + FileErrors.describe(e)));
            }
        }
        return problems;
    }

    /** {@code label}, one of the step's labels (or its head's), and {@code confidence}. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        ValueType label = options.labels() != null ? ValueType.text(options.labels().keySet())
                : environment.service(ModelRegistry.class).filter(models -> models.contains(options.model()))
                        .flatMap(models -> headLabels(options, models)).map(ValueType::text).orElse(ValueType.text());
        return Map.of("label", label, "confidence", ValueType.number());
    }

    /** The labels of the first trained head of the step's chain, when one can be read. */
    private static Optional<List<String>> headLabels(Options options, ModelRegistry models) {
        for (String member : models.chain(options.model())) {
            try {
                Optional<TrainedHead> head = models.head(member);
                if (head.isPresent()) {
                    return Optional.of(head.get().labels());
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // reported by check()
            }
        }
        return Optional.empty();
    }

    /** Labels must come from somewhere, and a trained head can only answer the labels it was trained on. */
    private static List<OptionProblem> checkHeads(Options options, ModelRegistry models) {
        List<OptionProblem> problems = new ArrayList<>();
        boolean headed = false;
        for (String member : models.chain(options.model())) {
            TrainedHead head;
            try {
                head = models.head(member).orElse(null);
            } catch (IllegalArgumentException e) {
                problems.add(OptionProblem.at("model", "Unreadable head").got(member)
                        .expected("a head file written by `switchboard train`").fix(e.getMessage()));
                continue;
            }
            if (head == null) {
                continue;
            }
            headed = true;
            String trainedOn = EncoderModel.canonical(head.embeddingModel());
            String encoder = models.definition(member).encoder();
            if (!trainedOn.equals(EncoderModel.canonical(encoder))) {
                problems.add(OptionProblem.at("model", "Head trained on another encoder").got(member)
                        .expected("a head trained on the model's encoder " + encoder + ", but it was trained on " + trainedOn)
                        .fix("Set `encoder: " + trainedOn + "` on model '" + member + "' in the engine configuration, or retrain the head with"
                                + " `switchboard train --encoder " + encoder + "`"));
            }
            if (options.labels() != null) {
                for (String label : options.labels().keySet()) {
                    if (!head.labels().contains(label)) {
                        problems.add(OptionProblem.at("labels." + label, "Label unknown to the head").got(label)
                                .expected("one of the " + head.labels().size() + " labels the head of model '" + member + "' was trained on"
                                        + DidYouMean.closest(label, head.labels()).map(near -> " (did you mean '" + near + "'?)").orElse(""))
                                .fix("Remove it, or retrain the head with it"));
                    }
                }
            }
        }
        if (options.labels() == null && !headed) {
            problems.add(OptionProblem.at("labels", "Missing labels").fix(": model '" + options.model() + "' has no trained head to take them from."
                    + " List the labels with a description each, or use a model with `head:` in the engine configuration"));
        }
        return problems;
    }

    /** The step's labels, or those of the first trained head of its chain, each described by its own name. */
    private static Map<String, String> labels(Options options, ModelRegistry models) {
        if (options.labels() != null) {
            return options.labels();
        }
        for (String member : models.chain(options.model())) {
            Optional<TrainedHead> head = models.head(member);
            if (head.isPresent()) {
                Map<String, String> labels = new LinkedHashMap<>();
                head.get().labels().forEach(label -> labels.put(label, label.replace('_', ' ').replace('-', ' ')));
                return labels;
            }
        }
        throw new IllegalStateException("Step has no labels and model '" + options.model() + "' no trained head");
    }

    /** The versions of the trained heads of the step's chain, so that retraining changes the prompt version. */
    private static String headVersions(Options options, ModelRegistry models) {
        StringBuilder versions = new StringBuilder();
        for (String member : models.chain(options.model())) {
            models.head(member).ifPresent(head -> versions.append('/').append(head.version()));
        }
        return versions.toString();
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        Map<String, List<String>> examples = new LinkedHashMap<>();
        if (options.examples() != null) {
            options.examples().forEach((label, texts) -> examples.put(label, new ArrayList<>(texts)));
        }
        if (options.examplesFile() != null) {
            try {
                ExamplesFile.read(environment.baseDir().resolve(options.examplesFile()))
                        .forEach((label, texts) -> examples.computeIfAbsent(label, l -> new ArrayList<>()).addAll(texts));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read examples_file " + options.examplesFile() + ": " + FileErrors.describe(e), e);
            }
        }
        LabelSet labels = new LabelSet(labels(options, setup.models()), examples);
        return new ClassifyStep(setup, labels, headVersions(options, setup.models()), prompt("classify.system", options, environment));
    }
}
