package dev.switchboard.llm.steps;

import dev.switchboard.llm.openai.ClassificationPrompt;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Puts an event into one label of a fixed set, with a confidence. Later steps read
 * {@code steps.<id>.label} and {@code steps.<id>.confidence}. The answer is checked against the
 * label set before anything sees it: a model that answers outside it is asked once to repair its
 * answer, then the chain moves on. In-process models answer whole batches at once.
 */
public final class ClassifyStep extends ModelStep implements Step {

    private final ClassificationPrompt prompt;
    private final CompletableFuture<Void> prepared;

    ClassifyStep(Setup setup, LabelSet labels, String headVersions, PromptTemplate template) {
        super(setup, template, labels.version() + "/" + ClassificationPrompt.templateVersion(template.text()) + headVersions);
        this.prompt = ClassificationPrompt.of(labels, template.text());
        this.prepared = prepareInProcessModel(setup.options().model());
    }

    /**
     * Loads the in-process model that answers first, and the label vectors, in the background: while the engine
     * goes on starting (consumer groups, listeners, streams) rather than inside the first batch. A failure here
     * is left for the first batch to meet and report as it always has.
     */
    private CompletableFuture<Void> prepareInProcessModel(String model) {
        return CompletableFuture.runAsync(() -> {
            String first = models.chain(model).get(0);
            if (!models.chats(first)) {
                models.classifier(first).prepare(prompt.labels());
            }
        }, models.executor()).exceptionally(failure -> null);
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        return new Prepared(prompt.call(promptId(), text).withPrompt(promptId(), promptVersion()), json -> {
            String problem = ClassificationPrompt.problemWith(json, prompt.labels());
            if (problem != null) {
                return Verdict.invalid(problem);
            }
            return Verdict.ok(output(json.get("label").asText(), json.get("confidence").doubleValue()), json.get("confidence").doubleValue());
        });
    }

    @Override
    protected List<EmbeddedAnswer> embedded(String model, List<String> texts) {
        // each in-process model classifies with its own encoder: zero-shot without a head, the head with one
        Classifier classifier = models.classifier(model);
        List<Classification> results = classifier.classify(prompt.labels(), texts);
        List<EmbeddedAnswer> answers = new ArrayList<>(results.size());
        for (Classification result : results) {
            ModelCall call = result.call() == null ? null : new ModelCall(result.call().provider(), result.call().model(), promptVersion(),
                    result.call().tokensIn(), result.call().tokensOut(), result.call().latencyMillis(), 0, false,
                    result.ok() ? "ok" : "error", promptId(), Map.of());
            answers.add(new EmbeddedAnswer(result.ok() ? Verdict.ok(output(result.label(), result.confidence()), result.confidence())
                    : Verdict.invalid(result.error()), call));
        }
        return answers;
    }

    @Override
    public void close() {
        // a model still loading would otherwise open its session after the registry has closed the others
        prepared.join();
    }

    private static Map<String, Object> output(String label, double confidence) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("label", label);
        output.put("confidence", confidence);
        return output;
    }

    /** The system prompt with the labels and examples, then the user turn's template. */
    @Override
    protected String promptText() {
        return prompt.system() + "\n\n--- user ---\n" + ClassificationPrompt.userTemplate();
    }
}
