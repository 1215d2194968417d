package dev.switchboard.workflows.model;

import dev.switchboard.llm.Budgets;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.spi.StepEnvironment;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** A workflow's {@code budget}: the daily limit, and a fallback model the engine knows. */
final class WorkflowBudget {

    private WorkflowBudget() {
    }

    static Budgets.Options bind(NodeTuple tuple, StepEnvironment environment, Problems problems) {
        if (tuple == null) {
            return null;
        }
        Budgets.Options budget = new OptionsBinder(problems, (option, value, node, path) -> { })
                .bind(Budgets.Options.class, tuple.getValueNode(), "budget");
        if (budget == null) {
            return null;
        }
        if (budget.pauses()) {
            // fallback_model has a default; only one written in the file is unused
            NodeTuple written = WorkflowLoader.tupleOf(tuple.getValueNode(), "fallback_model");
            if (written != null) {
                problems.add(written.getKeyNode(), "budget.fallback_model",
                        "Unused option at budget.fallback_model: got '" + budget.fallbackModel() + "', but on_exceed is pause."
                                + " Remove fallback_model, or set on_exceed: fallback");
            }
            return budget;
        }
        String fallback = budget.fallbackModel();
        environment.service(ModelRegistry.class).ifPresent(models -> {
            if (!models.contains(fallback)) {
                Node at = WorkflowLoader.tupleOf(tuple.getValueNode(), "fallback_model") == null ? tuple.getKeyNode()
                        : WorkflowLoader.tupleOf(tuple.getValueNode(), "fallback_model").getValueNode();
                problems.add(at, "budget.fallback_model", "Unknown model at budget.fallback_model: got '" + fallback + "', expected one of "
                        + models.names() + ". Declare it under models: or aliases: in the engine configuration");
            }
        });
        return budget;
    }
}
