package dev.switchboard.llm.steps.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.switchboard.llm.Budgets;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.ResponseCache;
import dev.switchboard.llm.chat.ChatAnswer;
import dev.switchboard.llm.chat.ChatCall;
import dev.switchboard.llm.chat.ChatFailures;
import dev.switchboard.llm.guard.PiiMasker;
import dev.switchboard.llm.steps.ModelOptions;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.PromptedStep;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every model step shares: it renders its input, screens it for prompt injection, resolves its
 * model or alias to a chain (switching to the workflow's fallback once its budget is spent), and
 * asks the models in order until one gives an answer that passes validation and the confidence
 * threshold.
 *
 * <p>A model is left for the next one when its call fails (after the endpoint's retries, or at once
 * when its circuit is open), when its answer fails validation twice (the second time after one
 * repair turn that shows it its error), or when its confidence is below {@code min_confidence}.
 * When an alias's chain is exhausted, or the best answer was only below the threshold, the event
 * goes to review; a single model that fails fails the step as before (retried by the engine when
 * the failure is retriable, dead-lettered when not).
 *
 * <p>Every failure is one event's own. An event whose input is empty (blank, or only the template's
 * own text) or lacks a value its input template reads fails at once, permanently, without a model call; a throw while one event is asked fails
 * that event alone (retriable, logged with its stack trace).
 *
 * <p>Before a call to a model that is not in-process, personal data is masked; the answer's
 * placeholders are restored before anyone sees the output. Validated outputs are cached by model,
 * prompt version and normalized input. Every call is accounted as a {@link ModelCall} and charged to
 * the workflow's budget.
 */
public abstract class ModelStep implements Step, PromptedStep {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStep.class);

    /** How a step asks a chat model for one event, and checks what comes back. */
    public record Prepared(ChatCall call, Function<JsonNode, Verdict> check) {
    }

    /** An answer's fate: its output and confidence, or what is wrong with it. */
    public record Verdict(Map<String, Object> output, Double confidence, String problem) {

        public static Verdict ok(Map<String, Object> output, Double confidence) {
            return new Verdict(output, confidence, null);
        }

        /** Valid, with the answer's optional {@code confidence} (null when it gave none) put in the output. */
        public static Verdict withConfidence(Map<String, Object> output, JsonNode answer) {
            JsonNode confidence = answer.get("confidence");
            Double sure = confidence == null || confidence.isNull() ? null : confidence.doubleValue();
            output.put("confidence", sure);
            return ok(output, sure);
        }

        public static Verdict invalid(String problem) {
            return new Verdict(null, null, problem);
        }

        public boolean valid() {
            return problem == null;
        }
    }

    /**
     * What every model step is created with.
     *
     * @param type    the step type, e.g. {@code classify}: with the step id, the prompt id
     * @param options the step's options
     */
    public record Setup(ModelRegistry models, String type, String stepId, ModelStepOptions options) {
    }

    protected final ModelRegistry models;
    private final String type;
    private final String stepId;
    private final ModelStepOptions options;
    private final ModelOptions.Guards guards;
    private final String promptId;
    /** Changes only between batches, when a step's prompt data changes ({@link #promptChanged}). */
    private volatile String promptVersion;
    private final PiiMasker masker = new PiiMasker();
    private final PromptTemplate template;
    private final StepInput input;
    private final InjectionGuard injectionGuard;

    /** A step with no prompt template to show (see {@link #promptTemplate}). */
    protected ModelStep(Setup setup, String promptFingerprint) {
        this(setup, null, promptFingerprint);
    }

    /** @param template the template this step's prompt comes from */
    protected ModelStep(Setup setup, PromptTemplate template, String promptFingerprint) {
        this.template = template;
        this.models = setup.models();
        this.type = setup.type();
        this.stepId = setup.stepId();
        this.options = setup.options();
        this.guards = options.modelOptions().guards();
        this.promptId = type + "/" + stepId;
        this.promptVersion = "pv-" + PromptText.hash(type + "\0" + promptFingerprint, 6);
        this.input = new StepInput(type, stepId, options);
        this.injectionGuard = new InjectionGuard(stepId, guards.injection(), models::injectionScreen);
    }

    /**
     * For a step whose prompt depends on data that can change while it runs (a knowledge base): its new
     * fingerprint, so outputs name the prompt that made them and cached answers of the old one are not reused.
     */
    protected final void promptChanged(String promptFingerprint) {
        this.promptVersion = "pv-" + PromptText.hash(type + "\0" + promptFingerprint, 6);
    }

    public String promptId() {
        return promptId;
    }

    public String promptVersion() {
        return promptVersion;
    }

    /** The template this step's prompt comes from, or null for a step that has none to show. */
    protected PromptTemplate promptTemplate() {
        return template;
    }

    /** The prompt as sent, the step's options filled in; by default the template as it is. */
    protected String promptText() {
        return promptTemplate().text();
    }

    @Override
    public List<PromptVersion> prompts() {
        PromptTemplate template = promptTemplate();
        return template == null ? List.of() : List.of(new PromptVersion(promptVersion, promptId, template.source(), promptText()));
    }

    /** The call for one event's (masked) text, and how to check the answer. */
    protected abstract Prepared prepare(String text, StepInvocation invocation);

    /**
     * The usual call: the system prompt, the text as a data block, an answer in {@code schema}. An answer
     * passes when {@code problemWith} finds nothing wrong in it; {@code output} then makes it the step's output.
     */
    protected Prepared ask(String system, String schemaName, JsonObjectSchema schema, String text,
                           Function<JsonNode, String> problemWith, Function<JsonNode, Verdict> output) {
        ChatCall call = ChatCall.builder().prompt(promptId, promptVersion).system(system)
                .user("<text>\n" + PromptText.asData(text, "text") + "\n</text>").schema(schemaName, schema).build();
        return new Prepared(call, json -> {
            String problem = problemWith.apply(json);
            return problem == null ? output.apply(json) : Verdict.invalid(problem);
        });
    }

    /** What the in-process model answered for one text, with its accounted call. */
    public record EmbeddedAnswer(Verdict verdict, ModelCall call) {
    }

    /** The answers of the in-process model named {@code model} for these texts, or null when this step cannot use one. */
    protected List<EmbeddedAnswer> embedded(String model, List<String> texts) {
        return null;
    }

    /** Fields added to every output (the step's own context, such as retrieved articles). */
    protected Map<String, Object> context(String text, StepInvocation invocation) {
        return Map.of();
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        // an event without input fails alone, at once; the others go on to the models, batched where they can be
        List<StepOutcome> outcomes = new ArrayList<>(Collections.nCopies(batch.size(), null));
        List<Integer> asked = new ArrayList<>(batch.size());
        List<String> texts = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String text;
            try {
                text = input.text(batch.get(i));
            } catch (Template.MissingValueException e) {
                outcomes.set(i, StepOutcome.Failed.permanent(e.getMessage()));
                continue;
            }
            StepOutcome.Failed empty = input.emptyFailure(text);
            if (empty != null) {
                outcomes.set(i, empty);
            } else {
                asked.add(i);
                texts.add(text);
            }
        }
        if (asked.isEmpty()) {
            return outcomes;
        }
        // The in-process model works best on whole batches: answer them at once when it comes first.
        List<EmbeddedAnswer> embeddedFirst = null;
        String first = asked.stream().map(i -> chainOf(batch.get(i)).get(0)).distinct().count() == 1 ? chainOf(batch.get(asked.get(0))).get(0) : null;
        if (first != null && !models.chats(first)) {
            embeddedFirst = embedded(first, texts);
        }
        List<Supplier<StepOutcome>> asks = new ArrayList<>(asked.size());
        for (int k = 0; k < asked.size(); k++) {
            StepInvocation invocation = batch.get(asked.get(k));
            String text = texts.get(k);
            EmbeddedAnswer precomputed = embeddedFirst == null ? null : embeddedFirst.get(k);
            asks.add(() -> runOne(invocation, text, precomputed));
        }
        List<StepOutcome> answers = EventAsks.ask(asks, models.executor(), (k, e) -> threw(batch.get(asked.get(k)), e));
        for (int k = 0; k < asked.size(); k++) {
            outcomes.set(asked.get(k), answers.get(k));
        }
        return outcomes;
    }

    /** A throw while an event was asked fails that event alone. */
    private StepOutcome threw(StepInvocation invocation, Throwable e) {
        LOG.warn("Step '{}' ({}) threw for event '{}' from '{}'", stepId, type, invocation.eventId(), invocation.eventSource(), e);
        return StepOutcome.Failed.threw(e);
    }

    private List<String> chainOf(StepInvocation invocation) {
        return models.chain(models.budgets().modelFor(invocation.workflow(), options.model()));
    }

    private StepOutcome runOne(StepInvocation invocation, String text, EmbeddedAnswer embeddedFirst) {
        // what this event may cost is held against the workflow's budget while it is asked, so a batch
        // of events that start together cannot all spend on the configured model
        Budgets.Admission admission = models.budgets().admit(invocation.workflow(), options.model(), models.maxCallCost(options.model(), text.length()));
        try {
            return runOne(invocation, text, embeddedFirst, admission.model());
        } finally {
            models.budgets().release(invocation.workflow(), admission.reservedUsd());
        }
    }

    private StepOutcome runOne(StepInvocation invocation, String text, EmbeddedAnswer embeddedFirst, String target) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        StepOutcome stopped = injectionGuard.check(text, annotations);
        if (stopped != null) {
            return stopped;
        }
        List<String> chain = models.chain(target);
        CallLog calls = new CallLog(promptId, promptVersion);
        List<Map<String, Object>> candidates = new ArrayList<>();
        Candidate last = null;
        for (int i = 0; i < chain.size(); i++) {
            String model = chain.get(i);
            Candidate candidate = models.chats(model)
                    ? askChat(model, text, invocation, calls)
                    : askEmbedded(model, text, i == 0 ? embeddedFirst : null, calls);
            if (candidate.accepted()) {
                Map<String, Object> output = new LinkedHashMap<>(candidate.output());
                output.putAll(context(text, invocation));
                output.put("model", model);
                output.put("prompt_id", promptId);
                output.put("prompt_version", promptVersion);
                if (i > 0) {
                    output.put("fallbacks", i);
                }
                output.putAll(annotations);
                models.budgets().record(invocation.workflow(), calls.costUsd());
                return new StepOutcome.Completed(Collections.unmodifiableMap(output), List.of(), calls.list());
            }
            candidates.add(candidate.describe(model));
            last = candidate;
        }
        models.budgets().record(invocation.workflow(), calls.costUsd());
        boolean lowConfidence = candidates.stream().anyMatch(c -> "low_confidence".equals(c.get("outcome")));
        if (models.isAlias(target) || lowConfidence) {
            String reason = lowConfidence && candidates.stream().allMatch(c -> "low_confidence".equals(c.get("outcome")))
                    ? "Every model of '" + target + "' answered below min_confidence " + options.modelOptions().minConfidence()
                    : "No model of '" + target + "' gave a usable answer: " + Candidate.summary(candidates);
            return new StepOutcome.Review(reason, candidates, calls.list());
        }
        return new StepOutcome.Failed(last.reason(), last.retriable(), calls.list());
    }

    private Candidate askEmbedded(String model, String text, EmbeddedAnswer precomputed, CallLog calls) {
        EmbeddedAnswer answer = precomputed;
        if (answer == null) {
            List<EmbeddedAnswer> answered = embedded(model, List.of(text));
            answer = answered == null ? null : answered.get(0);
        }
        if (answer == null) {
            return Candidate.failed("skipped", "the embedded model cannot " + type, false, null);
        }
        if (!answer.verdict().valid()) {
            calls.add(answer.call());
            return Candidate.failed("error", answer.verdict().problem(), false, null);
        }
        return judge(answer.verdict(), answer.call(), calls);
    }

    private Candidate askChat(String model, String text, StepInvocation invocation, CallLog calls) {
        ModelDefinition definition = models.definition(model);
        String scope = "shared".equals(guards.cache()) ? "shared" : invocation.workflow();
        // hashing the normalized text costs a few percent of a call: only when the cache is used
        String cacheKey = "off".equals(guards.cache()) ? null : ResponseCache.key(scope, model + "/" + definition.model(), promptVersion, text);
        if (cacheKey != null) {
            Map<String, Object> cached = models.cache().get(cacheKey);
            if (cached != null) {
                ModelCall hit = new ModelCall(model, definition.model(), promptVersion, 0, 0, 0, 0, true, "ok", promptId,
                        Map.of("cache", scope));
                Object confidence = cached.get("confidence");
                return judge(Verdict.ok(cached, confidence instanceof Number n ? n.doubleValue() : null), hit, calls);
            }
        }
        PiiMasker.Masked masked = guards.maskPii() ? masker.mask(text) : PiiMasker.Masked.none(text);
        Prepared prepared = prepare(masked.text(), invocation);
        ChatCall call = prepared.call();
        ChatAnswer answer = models.endpoint(model).chat(call);
        calls.answered(model, definition, answer, false);
        if (!answer.ok()) {
            return Candidate.failed(answer.failure().outcome(), answer.failure().message(), answer.failure().retriable(), null);
        }
        Verdict verdict = check(prepared, answer);
        if (!verdict.valid()) {
            // one repair turn: the model sees its answer and what is wrong with it
            String firstProblem = verdict.problem();
            ChatAnswer repaired = models.endpoint(model).chat(call.withRepair(answer.content() == null ? "" : answer.content(),
                    "That answer is invalid: " + firstProblem + ". Answer again with one JSON object that follows the schema, nothing else."));
            calls.answered(model, definition, repaired, true);
            if (!repaired.ok()) {
                return Candidate.failed(repaired.failure().outcome(), repaired.failure().message(), repaired.failure().retriable(), null);
            }
            verdict = check(prepared, repaired);
            if (!verdict.valid()) {
                calls.markLast("invalid_output");
                return Candidate.failed("invalid_output", "Answer of model '" + model + "' " + verdict.problem()
                        + (repaired.truncated() ? "; it was cut off at max_tokens " + definition.maxTokens() + ", raise `max_tokens`" : "")
                        + " (after one repair). The model said: " + ChatFailures.quote(masked.restore(repaired.content())), false, null);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) masked.restoreAll(verdict.output());
        Candidate candidate = judge(Verdict.ok(output, verdict.confidence()), null, calls);
        if (candidate.accepted() && cacheKey != null) {
            models.cache().put(cacheKey, output, Duration.ofSeconds(guards.cacheTtlSeconds()));
        }
        return candidate;
    }

    private Verdict check(Prepared prepared, ChatAnswer answer) {
        JsonNode json = PromptText.parseJson(answer.content());
        if (json == null) {
            return Verdict.invalid("is not JSON" + (answer.truncated() ? " (cut off at max_tokens)" : ""));
        }
        if (!json.isObject()) {
            return Verdict.invalid("is not a JSON object");
        }
        return prepared.check().apply(json);
    }

    /** Accepts a valid answer unless its confidence is below the step's threshold. */
    private Candidate judge(Verdict verdict, ModelCall call, CallLog calls) {
        calls.add(call);
        Double threshold = options.modelOptions().minConfidence();
        if (threshold != null && verdict.confidence() != null && verdict.confidence() < threshold) {
            calls.markLast("low_confidence");
            return Candidate.failed("low_confidence", String.format(java.util.Locale.ROOT,
                    "confidence %.3f is below min_confidence %s", verdict.confidence(), threshold), false, verdict.output());
        }
        return Candidate.accepted(verdict.output());
    }

    /** Builds the JSON schema of an answer: the step's fields, all required, no others. */
    protected static JsonObjectSchema.Builder schema() {
        return JsonObjectSchema.builder().additionalProperties(false);
    }

    /** A JSON value as plain Java (maps, lists, strings, numbers, booleans). */
    protected static Object java(JsonNode node) {
        return JsonValues.toJava(node);
    }
}
