package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds each event it runs for in the review topic, with a proposal: the values a person approves as they
 * are or corrects. The proposal is the review's one candidate, so approving without a value approves it.
 */
public record ReviewStep(String stepId, ReviewStepFactory.Options options) implements Step {

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(this::hold).toList();
    }

    private StepOutcome hold(StepInvocation invocation) {
        String reason = invocation.render(options.reason()).strip();
        Map<String, Object> proposal = new LinkedHashMap<>();
        if (options.propose() != null) {
            options.propose().forEach((name, template) -> proposal.put(name, invocation.render(template)));
        }
        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("model", "review:" + stepId);
        candidate.put("outcome", "proposed");
        candidate.put("reason", reason);
        candidate.put("output", proposal);
        return new StepOutcome.Review(reason.isEmpty() ? "Held for review by step '" + stepId + "'" : reason, List.of(candidate), List.of());
    }
}
