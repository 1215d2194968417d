package dev.switchboard.llm.steps;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.openai.ClassificationPrompt;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.llm.steps.internal.ExamplesFile;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts an event into one label of a fixed set, with a confidence. Later steps read
 * {@code steps.<id>.label} and {@code steps.<id>.confidence}. The answer is checked against the
 * label set before anything sees it: a model that answers outside it is asked once to repair its
 * answer, then the chain moves on.
 */
public final class ClassifyStep implements StepFactory<ClassifyStep.Options> {

    @Documentation(name = "classify", summary = "Puts the event into one label of a fixed set, with a confidence in [0, 1].",
            description = """
                    Output: `label` (one of `labels`), `confidence` (0 to 1), `model` (the one that answered), \
                    `prompt_id` and `prompt_version` (a content hash of labels, descriptions, examples and the prompt). \
                    With the `embedded` model it runs all-MiniLM-L6-v2 in-process: zero-shot from the label descriptions, \
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
            @Option(description = "A file of few-shot examples, relative to the workflow file: YAML or JSON mapping labels to lists of texts, or JSON Lines of {\"label\", \"text\"}. Added to `examples`.")
            @JsonProperty("examples_file") String examplesFile,
            @Option(description = ModelStepOptions.MODEL, defaultValue = "embedded")
            String model,
            @Option(description = ModelStepOptions.MIN_CONFIDENCE, minimum = 0, maximum = 1)
            @JsonProperty("min_confidence") Double minConfidence,
            @Option(description = ModelStepOptions.MAX_INPUT_CHARS, defaultValue = ModelStepOptions.MAX_INPUT_CHARS_DEFAULT, minimum = 1, maximum = 200000)
            @JsonProperty("max_input_chars") Integer maxInputChars,
            @Option(description = ModelStepOptions.CACHE, defaultValue = ModelStepOptions.CACHE_DEFAULT, allowed = {"workflow", "shared", "off"})
            String cache,
            @Option(description = ModelStepOptions.CACHE_TTL, defaultValue = ModelStepOptions.CACHE_TTL_DEFAULT, minimum = 1)
            @JsonProperty("cache_ttl_seconds") Integer cacheTtlSeconds,
            @Option(description = ModelStepOptions.MASK_PII, defaultValue = ModelStepOptions.MASK_PII_DEFAULT)
            @JsonProperty("mask_pii") Boolean maskPii,
            @Option(description = ModelStepOptions.INJECTION, defaultValue = ModelStepOptions.INJECTION_DEFAULT, allowed = {"flag", "review", "block", "off"})
            String injection) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, StepEnvironment environment) {
        List<String> problems = new ArrayList<>();
        if (options.labels() != null && options.labels().size() < 2) {
            problems.add("Too few labels at labels: got " + options.labels().size()
                    + ", expected at least 2. Add the labels the step must choose between");
        }
        if (options.examples() != null && options.labels() != null) {
            for (String label : options.examples().keySet()) {
                if (!options.labels().containsKey(label)) {
                    problems.add("Examples for unknown label at examples." + label + ": got '" + label
                            + "', expected one of " + options.labels().keySet() + ". Add it to labels or fix its name");
                }
            }
        }
        if (options.examplesFile() != null) {
            try {
                Map<String, List<String>> fromFile = ExamplesFile.read(environment.baseDir().resolve(options.examplesFile()));
                for (String label : fromFile.keySet()) {
                    if (options.labels() != null && !options.labels().containsKey(label)) {
                        problems.add("Examples for unknown label at examples_file: got '" + label + "' in " + options.examplesFile()
                                + ", expected one of " + options.labels().keySet() + ". Add it to labels or fix the file");
                    }
                }
            } catch (IOException | RuntimeException e) {
                problems.add("Unreadable file at examples_file: got '" + options.examplesFile() + "' (" + e.getMessage()
                        + "), expected a YAML, JSON or JSON Lines file relative to the workflow file");
            }
        }
        problems.addAll(ModelStepOptions.checkModel(options.model(), true, environment));
        problems.addAll(checkHeads(options, environment));
        return problems;
    }

    /** Labels must come from somewhere, and a trained head can only answer the labels it was trained on. */
    private static List<String> checkHeads(Options options, StepEnvironment environment) {
        List<String> problems = new ArrayList<>();
        ModelRegistry models = environment.service(ModelRegistry.class).orElse(null);
        String model = options.model() == null ? ModelRegistry.EMBEDDED : options.model();
        if (models == null || !models.contains(model)) {
            return problems;
        }
        boolean headed = false;
        for (String member : models.chain(model)) {
            TrainedHead head;
            try {
                head = models.head(member).orElse(null);
            } catch (IllegalArgumentException e) {
                problems.add("Unreadable head at model: got '" + member + "' (" + e.getMessage() + "), expected a head file written by `switchboard train`");
                continue;
            }
            if (head == null) {
                continue;
            }
            headed = true;
            if (options.labels() != null) {
                for (String label : options.labels().keySet()) {
                    if (!head.labels().contains(label)) {
                        problems.add("Label unknown to the head at labels." + label + ": got '" + label + "', expected one of the "
                                + head.labels().size() + " labels the head of model '" + member + "' was trained on"
                                + closest(label, head.labels()) + ". Remove it, or retrain the head with it");
                    }
                }
            }
        }
        if (options.labels() == null && !headed) {
            problems.add("Missing labels at labels: model '" + model + "' has no trained head to take them from."
                    + " List the labels with a description each, or use a model with `head:` in the engine configuration");
        }
        return problems;
    }

    /** " (did you mean 'x'?)" for the nearest label by edit distance, when it is near enough. */
    private static String closest(String label, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int[] previous = new int[candidate.length() + 1];
            for (int j = 0; j < previous.length; j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= label.length(); i++) {
                int[] current = new int[candidate.length() + 1];
                current[0] = i;
                for (int j = 1; j <= candidate.length(); j++) {
                    int cost = label.charAt(i - 1) == candidate.charAt(j - 1) ? 0 : 1;
                    current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }
                previous = current;
            }
            if (previous[candidate.length()] < bestDistance) {
                bestDistance = previous[candidate.length()];
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, label.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    /** The step's labels, or those of the first trained head of its chain, each described by its own name. */
    private static Map<String, String> labels(Options options, ModelRegistry models) {
        if (options.labels() != null) {
            return options.labels();
        }
        String model = options.model() == null ? ModelRegistry.EMBEDDED : options.model();
        for (String member : models.chain(model)) {
            Optional<TrainedHead> head = models.head(member);
            if (head.isPresent()) {
                Map<String, String> labels = new LinkedHashMap<>();
                head.get().labels().forEach(label -> labels.put(label, label.replace('_', ' ').replace('-', ' ')));
                return labels;
            }
        }
        throw new IllegalStateException("Step has no labels and model '" + model + "' no trained head");
    }

    /** The versions of the trained heads of the step's chain, so that retraining changes the prompt version. */
    private static String headVersions(Options options, ModelRegistry models) {
        StringBuilder versions = new StringBuilder();
        for (String member : models.chain(options.model() == null ? ModelRegistry.EMBEDDED : options.model())) {
            models.head(member).ifPresent(head -> versions.append('/').append(head.version()));
        }
        return versions.toString();
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        ModelRegistry models = ModelStepOptions.registry(environment);
        Map<String, List<String>> examples = new LinkedHashMap<>();
        if (options.examples() != null) {
            options.examples().forEach((label, texts) -> examples.put(label, new ArrayList<>(texts)));
        }
        if (options.examplesFile() != null) {
            try {
                ExamplesFile.read(environment.baseDir().resolve(options.examplesFile()))
                        .forEach((label, texts) -> examples.computeIfAbsent(label, l -> new ArrayList<>()).addAll(texts));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read examples_file " + options.examplesFile() + ": " + e.getMessage(), e);
            }
        }
        LabelSet labels = new LabelSet(labels(options, models), examples);
        return new Runner(models, ModelStepOptions.settings("classify", stepId, options.model(), options.minConfidence(),
                options.maxInputChars(), options.cache(), options.cacheTtlSeconds(), options.maskPii(), options.injection()),
                labels, options.input(), headVersions(options, models));
    }

    private static final class Runner extends ModelStep {
        private final ClassificationPrompt prompt;
        private final String input;

        Runner(ModelRegistry models, Settings settings, LabelSet labels, String input, String headVersions) {
            super(models, settings, labels.version() + "/" + ClassificationPrompt.TEMPLATE_VERSION + headVersions);
            this.prompt = ClassificationPrompt.of(labels);
            this.input = input;
        }

        @Override
        protected String input(StepInvocation invocation) {
            return invocation.render(input);
        }

        @Override
        protected Prepared prepare(String text, StepInvocation invocation) {
            return new Prepared(prompt.call(promptId(), text).withPrompt(promptId(), promptVersion()), json -> {
                String problem = ClassificationPrompt.problemWith(json, prompt.labels());
                if (problem != null) {
                    return Verdict.invalid(problem);
                }
                Map<String, Object> output = new LinkedHashMap<>();
                output.put("label", json.get("label").asText());
                output.put("confidence", json.get("confidence").doubleValue());
                return Verdict.ok(output, json.get("confidence").doubleValue());
            });
        }

        @Override
        protected List<EmbeddedAnswer> embedded(List<String> texts) {
            return embedded(ModelRegistry.EMBEDDED, texts);
        }

        @Override
        protected List<EmbeddedAnswer> embedded(String model, List<String> texts) {
            Classifier classifier = models.definition(model).head() == null ? models.embedded() : models.classifier(model);
            List<Classification> results = classifier.classify(prompt.labels(), texts);
            List<EmbeddedAnswer> answers = new ArrayList<>(results.size());
            for (Classification result : results) {
                var call = result.call() == null ? null : new dev.switchboard.schemas.ModelCall(result.call().provider(),
                        result.call().model(), promptVersion(), result.call().tokensIn(), result.call().tokensOut(),
                        result.call().latencyMillis(), 0, false, result.ok() ? "ok" : "error", promptId(), Map.of());
                if (!result.ok()) {
                    answers.add(new EmbeddedAnswer(Verdict.invalid(result.error()), call));
                } else {
                    Map<String, Object> output = new LinkedHashMap<>();
                    output.put("label", result.label());
                    output.put("confidence", result.confidence());
                    answers.add(new EmbeddedAnswer(Verdict.ok(output, result.confidence()), call));
                }
            }
            return answers;
        }
    }
}
