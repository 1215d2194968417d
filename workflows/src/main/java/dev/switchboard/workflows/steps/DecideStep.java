package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.expr.Cel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a policy's rules in order for each event and names the decision of the first that holds. The
 * conditions are CEL, compiled once, and see only {@code event} and earlier {@code steps}: a policy is data
 * in the workflow, never code, and nothing in an event is evaluated.
 */
public final class DecideStep implements Step {

    private final String stepId;
    private final List<Cel.Condition> conditions = new ArrayList<>();
    private final List<String> decisions = new ArrayList<>();
    private final String otherwise;

    DecideStep(String stepId, DecideStepFactory.Options options) {
        this.stepId = stepId;
        Cel cel = new Cel();
        for (DecideStepFactory.Rule rule : options.rules()) {
            conditions.add(cel.compile(rule.when()));
            decisions.add(rule.then());
        }
        this.otherwise = options.otherwise();
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(this::decide).toList();
    }

    private StepOutcome decide(StepInvocation invocation) {
        Object steps = invocation.read("steps");
        Map<String, Object> variables = Map.of("event", invocation.event(), "steps", steps instanceof Map<?, ?> ? steps : Map.of());
        for (int i = 0; i < conditions.size(); i++) {
            try {
                if (conditions.get(i).test(variables)) {
                    return outcome(decisions.get(i), i);
                }
            } catch (Cel.ConditionException e) {
                return StepOutcome.Failed.permanent("steps." + stepId + ".rules[" + i + "].when: " + e.getMessage());
            }
        }
        return outcome(otherwise, -1);
    }

    private static StepOutcome outcome(String decision, int rule) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("decision", decision);
        output.put("rule", rule);
        return StepOutcome.Completed.of(output);
    }
}
