package dev.switchboard.workflows.eval;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a workflow over a labelled dataset up to one of its classify steps, with a chosen model, and
 * scores the step's answers against the dataset's labels.
 *
 * <p>Each row becomes a CloudEvent of the workflow's first event type with the row's fields as
 * {@code data}, so the step's own input template works unchanged; {@code textColumn} or
 * {@code inputTemplate} replace it. The workflow's filter, its earlier steps and their {@code when}
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
     */
    public record Request(Workflow workflow, String stepId, String textColumn, String inputTemplate, String labelColumn,
                          Double minConfidence, int batchSize) {
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

    /** The step that {@code stepId} names, or the first classify step; an error that says which exist otherwise. */
    public static StepSpec target(Workflow workflow, String stepId) {
        for (StepSpec spec : workflow.steps()) {
            if (stepId == null ? spec.type().equals("classify") : spec.id().equals(stepId)) {
                if (!spec.type().equals("classify")) {
                    throw new IllegalArgumentException("Step '" + spec.id() + "' of workflow '" + workflow.name() + "' is a "
                            + spec.type() + " step; eval scores classify steps. Name one with --step");
                }
                return spec;
            }
        }
        List<String> ids = workflow.steps().stream().map(s -> s.id() + " (" + s.type() + ")").toList();
        throw new IllegalArgumentException(stepId == null
                ? "Workflow '" + workflow.name() + "' has no classify step; its steps: " + ids
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
        if (component(target.options(), "labels") == null && !ownHead) {
            // A step that takes its labels from a trained head keeps them when a model without one is evaluated;
            // a model with its own head answers with its own labels (a head trained without some is how out-of-scope is measured).
            headLabels(target).ifPresent(labels -> changes.put("labels", labels));
        }
        return copy(target.options(), changes);
    }

    private Optional<Map<String, String>> headLabels(StepSpec target) {
        Object model = component(target.options(), "model");
        for (String member : models.chain(model == null ? ModelRegistry.EMBEDDED : model.toString())) {
            Optional<TrainedHead> head = models.head(member);
            if (head.isPresent()) {
                Map<String, String> labels = new LinkedHashMap<>();
                head.get().labels().forEach(label -> labels.put(label, label.replace('_', ' ').replace('-', ' ')));
                return Optional.of(labels);
            }
        }
        return Optional.empty();
    }

    /** The labels the step chooses between with these options. */
    @SuppressWarnings("unchecked")
    public List<String> labels(Record options) {
        Object labels = component(options, "labels");
        if (labels instanceof Map<?, ?> map) {
            return List.copyOf(((Map<String, ?>) map).keySet());
        }
        Object model = component(options, "model");
        for (String member : models.chain(model == null ? ModelRegistry.EMBEDDED : model.toString())) {
            Optional<TrainedHead> head = models.head(member);
            if (head.isPresent()) {
                return head.get().labels();
            }
        }
        return List.of();
    }

    public ModelResult run(Request request, Dataset dataset, String model, Progress progress) {
        Workflow workflow = request.workflow();
        StepSpec target = target(workflow, request.stepId());
        Record options = options(request, model);
        List<String> labels = labels(options);
        Object stepThreshold = component(target.options(), "minConfidence");
        double threshold = request.minConfidence() != null ? request.minConfidence()
                : stepThreshold instanceof Number n ? n.doubleValue() : 0;
        List<String> expected = dataset.column(request.labelColumn());

        Cel cel = new Cel();
        Cel.Condition filter = workflow.on().filter() == null ? null : cel.compile(workflow.on().filter());
        List<Stage> stages = new ArrayList<>();
        long started = System.nanoTime();
        Prediction[] predictions = new Prediction[dataset.rows().size()];
        try {
            for (StepSpec spec : workflow.steps()) {
                boolean isTarget = spec == target;
                Step step = spec.factory().create(spec.id(), isTarget ? options : spec.options(), environment);
                stages.add(new Stage(spec, spec.when() == null ? null : cel.compile(spec.when()), step));
                if (isTarget) {
                    break;
                }
            }
            String type = workflow.on().types().get(0);
            progress.update(0, predictions.length);
            for (int start = 0; start < predictions.length; start += request.batchSize()) {
                int end = Math.min(predictions.length, start + request.batchSize());
                List<Row> alive = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    Row row = new Row(i, workflow.name(), type, dataset.rows().get(i));
                    if (filter != null && !test(filter, row, predictions, expected)) {
                        continue;
                    }
                    alive.add(row);
                }
                for (Stage stage : stages) {
                    boolean isTarget = stage.spec() == target;
                    List<Row> selected = new ArrayList<>();
                    List<Row> passing = new ArrayList<>();
                    for (Row row : alive) {
                        if (stage.when() == null || test(stage.when(), row, predictions, expected)) {
                            selected.add(row);
                        } else if (predictions[row.index] != null) {
                            continue; // the condition failed to evaluate: the row is dead-lettered live
                        } else if (isTarget) {
                            predictions[row.index] = skipped(row.index, expected.get(row.index), "steps." + stage.spec().id() + ".when is false");
                        } else {
                            passing.add(row); // a step left out; the row goes on, as it does live
                        }
                    }
                    passing.addAll(runStage(stage, isTarget, selected, predictions, expected));
                    alive = passing;
                }
                for (int i = start; i < end; i++) {
                    if (predictions[i] == null) {
                        predictions[i] = skipped(i, expected.get(i), "on.filter is false");
                    }
                }
                progress.update(end, predictions.length);
            }
        } finally {
            for (Stage stage : stages) {
                try {
                    stage.step().close();
                } catch (Exception ignored) {
                    // closing is best effort
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return ModelResult.of(model, labels, List.of(predictions), threshold, seconds);
    }

    private record Stage(StepSpec spec, Cel.Condition when, Step step) {
    }

    private static boolean test(Cel.Condition condition, Row row, Prediction[] predictions, List<String> expected) {
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

    /** Runs one step over the rows; returns the rows that go on to the next step. */
    private static List<Row> runStage(Stage stage, boolean isTarget, List<Row> rows, Prediction[] predictions, List<String> expected) {
        if (rows.isEmpty()) {
            return rows;
        }
        List<StepInvocation> invocations = rows.stream().map(row -> (StepInvocation) row.invocation(stage.spec().id())).toList();
        List<StepOutcome> outcomes;
        try {
            outcomes = stage.step().run(invocations);
        } catch (RuntimeException e) {
            outcomes = Collections.nCopies(rows.size(), StepOutcome.Failed.permanent(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        List<Row> next = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            StepOutcome outcome = outcomes.get(i);
            String want = expected.get(row.index);
            if (outcome instanceof StepOutcome.Completed completed) {
                row.steps.put(stage.spec().id(), completed.output());
                if (isTarget) {
                    Object label = completed.output().get("label");
                    Object confidence = completed.output().get("confidence");
                    predictions[row.index] = prediction(row.index, want, label == null ? null : label.toString(),
                            confidence instanceof Number n ? n.doubleValue() : 0, Prediction.Outcome.ANSWERED, null, completed.calls());
                } else {
                    next.add(row);
                }
            } else if (outcome instanceof StepOutcome.Review review) {
                Map<String, Object> best = best(review.candidates());
                Object label = best == null ? null : best.get("label");
                Object confidence = best == null ? null : best.get("confidence");
                predictions[row.index] = prediction(row.index, want, isTarget && label != null ? label.toString() : null,
                        isTarget && confidence instanceof Number n ? n.doubleValue() : 0, Prediction.Outcome.REVIEW,
                        (isTarget ? "" : "step " + stage.spec().id() + ": ") + review.reason(), isTarget ? review.calls() : List.of());
            } else if (outcome instanceof StepOutcome.Failed failed) {
                predictions[row.index] = prediction(row.index, want, null, 0, Prediction.Outcome.FAILED,
                        (isTarget ? "" : "step " + stage.spec().id() + ": ") + failed.reason(), isTarget ? failed.calls() : List.of());
            }
        }
        return next;
    }

    /** The candidate output with the highest confidence, from a review's candidates. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> best(List<Map<String, Object>> candidates) {
        Map<String, Object> best = null;
        double bestConfidence = -1;
        for (Map<String, Object> candidate : candidates) {
            if (candidate.get("output") instanceof Map<?, ?> output && output.get("label") != null) {
                double confidence = output.get("confidence") instanceof Number n ? n.doubleValue() : 0;
                if (confidence > bestConfidence) {
                    bestConfidence = confidence;
                    best = (Map<String, Object>) output;
                }
            }
        }
        return best;
    }

    private static Prediction prediction(int index, String expected, String label, double confidence, Prediction.Outcome outcome,
                                         String reason, List<ModelCall> calls) {
        double latency = 0;
        double cost = 0;
        int hits = 0;
        for (ModelCall call : calls) {
            latency += call.latencyMillis();
            cost += call.costUsd();
            hits += call.cacheHit() ? 1 : 0;
        }
        return new Prediction(index, expected, label, confidence, outcome, reason, latency, cost, hits, calls.size());
    }

    /** The value of a record component, or null when the record has none of that name. */
    public static Object component(Record record, String name) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    return component.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Cannot read " + name + " of " + record.getClass().getName(), e);
                }
            }
        }
        return null;
    }

    /** A copy of an options record with some components replaced; names it does not have are ignored. */
    public static Record copy(Record record, Map<String, Object> changes) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = changes.containsKey(components[i].getName()) ? changes.get(components[i].getName())
                        : components[i].getAccessor().invoke(record);
            }
            Constructor<? extends Record> constructor = record.getClass().getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot copy the options " + record.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    /** One row going through the workflow, as an event. */
    private static final class Row {
        private static final Map<String, Template> TEMPLATES = new ConcurrentHashMap<>();

        final int index;
        final String workflow;
        final String type;
        final Map<String, Object> event;
        final Map<String, Object> steps = new LinkedHashMap<>();

        Row(int index, String workflow, String type, Map<String, Object> fields) {
            this.index = index;
            this.workflow = workflow;
            this.type = type;
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("specversion", "1.0");
            event.put("id", "eval-" + (index + 1));
            event.put("type", type);
            event.put("source", "switchboard/eval");
            event.put("data", fields);
            this.event = Collections.unmodifiableMap(event);
        }

        Map<String, Object> variables() {
            return Map.of("event", event, "steps", Collections.unmodifiableMap(steps));
        }

        StepInvocation invocation(String stepId) {
            Map<String, Object> root = variables();
            return new StepInvocation() {
                @Override
                public String workflow() {
                    return workflow;
                }

                @Override
                public String stepId() {
                    return stepId;
                }

                @Override
                public String eventId() {
                    return (String) event.get("id");
                }

                @Override
                public String eventType() {
                    return type;
                }

                @Override
                public Map<String, Object> event() {
                    return event;
                }

                @Override
                public String render(String template) {
                    return TEMPLATES.computeIfAbsent(template, Template::parse).render(root);
                }

                @Override
                public List<ModelCall> calls() {
                    return List.of();
                }

                @Override
                public Object read(String path) {
                    return Template.read(root, Template.path(path));
                }
            };
        }
    }
}
