package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts an event into one label of a fixed set, with a confidence. Later steps read
 * {@code steps.<id>.label} and {@code steps.<id>.confidence}. The answer is checked against the
 * label set before anything sees it: a model that answers outside it fails the step.
 */
public final class ClassifyStep implements StepFactory<ClassifyStep.Options> {

    @Documentation(name = "classify", summary = "Puts the event into one label of a fixed set, with a confidence in [0, 1].",
            description = """
                    Output: `label` (one of `labels`), `confidence` (0 to 1), `model` and `prompt_version` \
                    (a content hash of labels, descriptions and examples). With the `embedded` model it runs \
                    all-MiniLM-L6-v2 in-process: zero-shot from the label descriptions, better with a few \
                    `examples` per label. With an `openai` model the answer is constrained by a JSON schema \
                    whose `label` is an enum of the labels; an answer outside them fails the step.""")
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
    public record Options(
            @Option(description = "The text to classify: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "The labels, each with a description of what belongs in it. At least two.", required = true)
            Map<String, String> labels,
            @Option(description = "Few-shot examples per label: short texts that belong in it.")
            Map<String, List<String>> examples,
            @Option(description = "The model to use, by its name under `models:` in the engine configuration.", defaultValue = "embedded")
            String model,
            @Option(description = "Input longer than this many characters is cut before classification.", defaultValue = "4000", minimum = 1, maximum = 200000)
            @JsonProperty("max_input_chars") Integer maxInputChars) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public List<String> check(Options options, StepEnvironment environment) {
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
        String model = model(options);
        environment.service(ModelRegistry.class).ifPresent(models -> {
            if (!models.contains(model)) {
                problems.add("Unknown model at model: got '" + model + "', expected one of " + models.names()
                        + ". Declare it under models: in the engine configuration");
            }
        });
        return problems;
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        ModelRegistry models = environment.service(ModelRegistry.class)
                .orElseThrow(() -> new IllegalStateException("The engine offers no model registry"));
        LabelSet labels = new LabelSet(options.labels(), options.examples());
        int maxChars = options.maxInputChars() == null ? 4000 : options.maxInputChars();
        return new Runner(models.classifier(model(options)), labels, options.input(), maxChars);
    }

    private static String model(Options options) {
        return options.model() == null ? ModelRegistry.EMBEDDED : options.model();
    }

    private record Runner(Classifier classifier, LabelSet labels, String input, int maxChars) implements Step {

        @Override
        public List<StepOutcome> run(List<StepInvocation> batch) {
            List<String> texts = batch.stream().map(invocation -> {
                String text = invocation.render(input);
                return text.length() > maxChars ? text.substring(0, maxChars) : text;
            }).toList();
            List<Classification> results = classifier.classify(labels, texts);
            List<StepOutcome> outcomes = new ArrayList<>(results.size());
            for (Classification result : results) {
                List<dev.switchboard.schemas.ModelCall> calls = result.call() == null ? List.of() : List.of(result.call());
                if (!result.ok()) {
                    outcomes.add(new StepOutcome.Failed(result.error(), result.retriable(), calls));
                } else if (!labels.contains(result.label())) {
                    outcomes.add(new StepOutcome.Failed("Model answered a label outside the set: got '" + result.label()
                            + "', expected one of " + labels.labels(), false, calls));
                } else {
                    Map<String, Object> output = new LinkedHashMap<>();
                    output.put("label", result.label());
                    output.put("confidence", result.confidence());
                    output.put("model", result.call() == null ? classifier.name() : result.call().model());
                    output.put("prompt_version", labels.version());
                    outcomes.add(new StepOutcome.Completed(output, null, calls));
                }
            }
            return outcomes;
        }
    }
}
