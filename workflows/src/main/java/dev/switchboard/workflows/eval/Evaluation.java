package dev.switchboard.workflows.eval;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a workflow over a labelled dataset up to one of its classify steps, with a chosen model, and
 * scores the step's answers against the dataset's labels.
 *
 * <p>Each row becomes a CloudEvent with the row's fields as {@code data}, so the step's own input
 * template works unchanged ({@code textColumn} or {@code inputTemplate} replace it); its type, source
 * and subject are the workflow's first event type and {@value RowEvent#DEFAULT_SOURCE} unless the
 * request's {@link RowEvent} sets them. A row of a type the workflow does not take is skipped. The workflow's filter, its earlier steps and their {@code when}
 * conditions run as they would live, in batches, so a step that reads earlier steps' outputs is
 * evaluated in context. Nothing is delivered: task steps only build tasks, and the tasks are dropped.
 */
public final class Evaluation {

    /**
     * @param workflow      the workflow
     * @param stepId        the classify step to score; null picks the first classify step
     * @param textColumn    a row field to classify instead of the step's input; null keeps the input
     * @param inputTemplate a template over {@code event.data.<field>} instead of the step's input; null keeps it
     * @param labelColumn   the row field with the expected label
     * @param minConfidence the review threshold; null takes the step's {@code min_confidence}, else 0
     * @param batchSize     rows per batch
     * @param rowEvent      how a row sets its event's type, source and subject
     */
    public record Request(Workflow workflow, String stepId, String textColumn, String inputTemplate, String labelColumn,
                          Double minConfidence, int batchSize, RowEvent rowEvent) {

        public Request {
            rowEvent = rowEvent == null ? RowEvent.defaults() : rowEvent;
        }
    }

    /** Told how many rows are done. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);

        Progress NONE = (done, total) -> { };
    }

    private final StepEnvironment environment;
    private final ModelRegistry models;

    public Evaluation(StepEnvironment environment, ModelRegistry models) {
        this.environment = environment;
        this.models = models;
    }

    /** The step types eval scores. */
    public static final List<String> EVALUATED_TYPES = List.of("classify", "extract", "score", "summarize", "draft");

    /** The step that {@code stepId} names, or the first classify step, else the first step eval scores; an error that says which exist otherwise. */
    public static StepSpec target(Workflow workflow, String stepId) {
        if (stepId == null && workflow.steps().stream().noneMatch(spec -> spec.type().equals("classify"))) {
            for (StepSpec spec : workflow.steps()) {
                if (EVALUATED_TYPES.contains(spec.type())) {
                    return spec;
                }
            }
        }
        for (StepSpec spec : workflow.steps()) {
            if (stepId == null ? spec.type().equals("classify") : spec.id().equals(stepId)) {
                if (!EVALUATED_TYPES.contains(spec.type())) {
                    throw new IllegalArgumentException("Step '" + spec.id() + "' of workflow '" + workflow.name() + "' is a "
                            + spec.type() + " step; eval scores " + String.join(", ", EVALUATED_TYPES) + " steps. Name one with --step");
                }
                return spec;
            }
        }
        List<String> ids = workflow.steps().stream().map(s -> s.id() + " (" + s.type() + ")").toList();
        throw new IllegalArgumentException(stepId == null
                ? "Workflow '" + workflow.name() + "' has no step eval scores (" + String.join(", ", EVALUATED_TYPES) + "); its steps: " + ids
                : "No step '" + stepId + "' in workflow '" + workflow.name() + "'; its steps: " + ids);
    }

    /** The options the target step runs with for {@code model}: that model, the row-based input, and labels made explicit. */
    public Record options(Request request, String model) {
        StepSpec target = target(request.workflow(), request.stepId());
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("model", model);
        if (request.inputTemplate() != null) {
            changes.put("input", request.inputTemplate());
        } else if (request.textColumn() != null) {
            changes.put("input", "{{ event.data." + request.textColumn() + " }}");
        }
        if (!models.isAlias(model)) {
            // One model: the threshold is applied when scoring, so every row keeps its answer and the sweep sees it.
            changes.put("minConfidence", null);
        }
        boolean ownHead = models.chain(model).stream().anyMatch(member -> models.head(member).isPresent());
        if (OptionsRecords.read(target.options(), "labels") == null && !ownHead) {
            // A step that takes its labels from a trained head keeps them when a model without one is evaluated;
            // a model with its own head answers with its own labels (a head trained without some is how out-of-scope is measured).
            headLabels(target).ifPresent(labels -> changes.put("labels", labels));
        }
        return OptionsRecords.copy(target.options(), changes);
    }

    private Optional<Map<String, String>> headLabels(StepSpec target) {
        return head(OptionsRecords.read(target.options(), "model")).map(head -> {
            Map<String, String> labels = new LinkedHashMap<>();
            head.labels().forEach(label -> labels.put(label, label.replace('_', ' ').replace('-', ' ')));
            return labels;
        });
    }

    /** The labels the step chooses between with these options. */
    @SuppressWarnings("unchecked")
    public List<String> labels(Record options) {
        Object labels = OptionsRecords.read(options, "labels");
        if (labels instanceof Map<?, ?> map) {
            return List.copyOf(((Map<String, ?>) map).keySet());
        }
        return head(OptionsRecords.read(options, "model")).map(TrainedHead::labels).orElse(List.of());
    }

    /** The trained head of the first member of a model's chain that has one. */
    private Optional<TrainedHead> head(Object model) {
        for (String member : models.chain(model == null ? ModelRegistry.EMBEDDED : model.toString())) {
            Optional<TrainedHead> head = models.head(member);
            if (head.isPresent()) {
                return head;
            }
        }
        return Optional.empty();
    }

    public ModelResult run(Request request, Dataset dataset, String model, Progress progress) {
        StepSpec target = target(request.workflow(), request.stepId());
        Record options = options(request, model);
        List<String> labels = labels(options);
        Object stepThreshold = OptionsRecords.read(target.options(), "minConfidence");
        double threshold = request.minConfidence() != null ? request.minConfidence()
                : stepThreshold instanceof Number n ? n.doubleValue() : 0;
        Rows rows = rows(request, dataset, options, dataset.column(request.labelColumn()), progress);
        return ModelResult.of(model, labels, List.of(rows.predictions()), threshold, rows.seconds());
    }

    /**
     * An extract or score step's answers over the dataset, against the expected values of {@code request.labelColumn()}:
     * an object of fields for extract, a number for score.
     */
    public OutputResult runOutputs(Request request, Dataset dataset, String model, double tolerance, Progress progress) {
        StepSpec target = target(request.workflow(), request.stepId());
        Record options = options(request, model);
        List<Object> wanted = dataset.rows().stream().map(row -> Dataset.value(row, request.labelColumn())).toList();
        List<String> expected = wanted.stream().map(value -> value == null ? null : value.toString()).toList();
        Rows rows = rows(request, dataset, options, expected, progress);
        OutputResult result = OutputResult.of(model, target.type(), options, wanted, rows.predictions(), rows.answers(), tolerance, rows.seconds());
        if (result.text() == null) {
            return result;
        }
        result = ReferenceSimilarity.add(result, wanted, models.embeddingModel());
        Object knowledgeBase = OptionsRecords.read(options, "knowledgeBase");
        try {
            return Groundedness.add(result, knowledgeBase == null ? null : environment.baseDir().resolve(knowledgeBase.toString()),
                    models.embeddingModel());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot read knowledge_base " + knowledgeBase + " for groundedness: " + e.getMessage(), e);
        }
    }

    /** What the evaluated step did with each row, and its outputs. */
    private record Rows(Prediction[] predictions, Map<String, Object>[] answers, double seconds) {
    }

    @SuppressWarnings("unchecked")
    private Rows rows(Request request, Dataset dataset, Record options, List<String> expected, Progress progress) {
        Workflow workflow = request.workflow();
        StepSpec target = target(workflow, request.stepId());

        Cel cel = new Cel();
        Cel.Condition filter = workflow.on().filter() == null ? null : cel.compile(workflow.on().filter());
        Map<String, Template> templates = new ConcurrentHashMap<>(); // steps may render from several threads
        List<EvalStage> stages = new ArrayList<>();
        long started = System.nanoTime();
        Prediction[] predictions = new Prediction[dataset.rows().size()];
        Map<String, Object>[] answers = new Map[predictions.length];
        try {
            for (StepSpec spec : workflow.steps()) {
                boolean isTarget = spec == target;
                Step step = spec.factory().create(spec.id(), isTarget ? options : spec.options(), environment);
                stages.add(new EvalStage(spec, spec.when() == null ? null : cel.compile(spec.when()), step, isTarget));
                if (isTarget) {
                    break;
                }
            }
            String defaultType = workflow.on().types().get(0);
            java.util.Set<String> types = java.util.Set.copyOf(workflow.on().types());
            progress.update(0, predictions.length);
            for (int start = 0; start < predictions.length; start += request.batchSize()) {
                int end = Math.min(predictions.length, start + request.batchSize());
                List<EvalRow> alive = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    EvalRow row = new EvalRow(i, workflow.name(), request.rowEvent().event(i, dataset.rows().get(i), defaultType));
                    if (row.type() == null || !types.contains(row.type())) {
                        // live, the workflow never takes an event of another type
                        predictions[i] = skipped(i, expected.get(i), "type '" + row.type() + "' is not in on.types");
                    } else if (filter == null || test(filter, row, predictions, expected)) {
                        alive.add(row);
                    }
                }
                for (EvalStage stage : stages) {
                    alive = runStage(stage, alive, predictions, answers, expected, templates);
                }
                for (int i = start; i < end; i++) {
                    if (predictions[i] == null) {
                        predictions[i] = skipped(i, expected.get(i), "on.filter is false");
                    }
                }
                progress.update(end, predictions.length);
            }
        } finally {
            for (EvalStage stage : stages) {
                try {
                    stage.step().close();
                } catch (Exception ignored) {
                    // closing is best effort
                }
            }
        }
        return new Rows(predictions, answers, (System.nanoTime() - started) / 1e9);
    }

    /** The stage's condition over the rows, then the stage over those it selects; returns the rows that go on. */
    private static List<EvalRow> runStage(EvalStage stage, List<EvalRow> rows, Prediction[] predictions, Map<String, Object>[] answers,
                                          List<String> expected, Map<String, Template> templates) {
        List<EvalRow> selected = new ArrayList<>();
        List<EvalRow> passing = new ArrayList<>();
        for (EvalRow row : rows) {
            if (stage.when() == null || test(stage.when(), row, predictions, expected)) {
                selected.add(row);
            } else if (predictions[row.index] != null) {
                continue; // the condition failed to evaluate: the row is dead-lettered live
            } else if (stage.target()) {
                predictions[row.index] = skipped(row.index, expected.get(row.index), "steps." + stage.spec().id() + ".when is false");
            } else {
                passing.add(row); // a step left out; the row goes on, as it does live
            }
        }
        passing.addAll(stage.run(selected, predictions, answers, expected, templates));
        return passing;
    }

    private static boolean test(Cel.Condition condition, EvalRow row, Prediction[] predictions, List<String> expected) {
        try {
            return condition.test(row.variables());
        } catch (Cel.ConditionException e) {
            predictions[row.index] = new Prediction(row.index, expected.get(row.index), null, 0, Prediction.Outcome.FAILED,
                    e.getMessage(), 0, 0, 0, 0);
            return false;
        }
    }

    private static Prediction skipped(int index, String expected, String reason) {
        return new Prediction(index, expected, null, 0, Prediction.Outcome.SKIPPED, reason, 0, 0, 0, 0);
    }
}
