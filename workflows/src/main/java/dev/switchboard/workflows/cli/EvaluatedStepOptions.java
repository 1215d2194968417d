package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.eval.Evaluation;
import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.eval.RowEvent;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What an evaluation scores: which classify step, on which input, with which models, at which review threshold. */
final class EvaluatedStepOptions {

    @Option(names = "--step", paramLabel = "ID",
            description = "The step to score: classify, extract, score, summarize or draft (default: the first classify step, else the first of the others).")
    String step;

    @Option(names = "--text-column", paramLabel = "FIELD", description = "Classify this field instead of the step's input.")
    String textColumn;

    @Option(names = "--input", paramLabel = "TEMPLATE",
            description = "A template over the row's fields (event.data.<field>) instead of the step's input, e.g. \"{{ event.data.subject }}\".")
    String input;

    @Option(names = "--model", paramLabel = "MODEL", description = "A model or alias to evaluate; repeat to compare (default: the step's own).")
    List<String> models = new ArrayList<>();

    @Option(names = "--min-confidence", paramLabel = "SHARE",
            description = "Answers below this confidence count as sent to review (default: the step's min_confidence, else 0).")
    Double minConfidence;

    /** The classify step scored; a {@link CommandFailure} that lists the workflow's steps otherwise. */
    StepSpec target(Workflow workflow) {
        try {
            return Evaluation.target(workflow, step);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
    }

    /** The models named, else the step's own. */
    List<String> models(StepSpec target) {
        if (!models.isEmpty()) {
            return List.copyOf(models);
        }
        Object own = OptionsRecords.read(target.options(), "model");
        return List.of(own == null ? ModelRegistry.EMBEDDED : own.toString());
    }

    Evaluation.Request request(Workflow workflow, String labelColumn, int batchSize, RowEvent rowEvent) {
        return new Evaluation.Request(workflow, step, textColumn, input, labelColumn, minConfidence, batchSize, rowEvent);
    }
}
