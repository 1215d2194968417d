package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link ReviewStep}s: an event held for a person whenever the step runs, with what the reviewer is asked
 * to approve. Put the condition in the step's {@code when}.
 */
public final class ReviewStepFactory implements StepFactory<ReviewStepFactory.Options> {

    @Documentation(name = "review", summary = "Holds the event for a person, with a proposal to approve or correct; the workflow goes on once approved.",
            description = """
                    Sends the event to the review topic every time the step runs: give it a `when` (a decision of a \
                    `decide` step, a label, a score). The reviewer sees `reason`, the event, every earlier step's output \
                    and the `propose` values, and approves them (`switchboard review approve`), corrects them (approve \
                    with `--value`), or rejects the event. Approved, the workflow resumes after this step, with the \
                    approved values as `steps.<id>` (for example `steps.hold.reply`); rejected, the event ends there and \
                    nothing after this step runs. Steps after it tell the two paths apart with `'<id>' in steps`.""")
    @Example(title = "A person checks sensitive replies before they are sent", yaml = """
            id: hold
            when: "steps.route.decision == 'review'"
            review:
              reason: "Sensitive ticket ({{ steps.triage.label }}): check the reply before it is sent"
              propose:
                reply: "{{ steps.reply.draft }}"
            """)
    public record Options(
            @Option(description = "Why the event is held, shown to the reviewer: a template over `event` and earlier `steps`.",
                    required = true, template = true)
            String reason,
            @Option(description = "The values the reviewer approves or corrects, by name, each a template; after approval they are `steps.<id>.<name>`.",
                    template = true)
            Map<String, String> propose) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        return List.of();
    }

    /** The proposed values by name, as approved; a reviewer's correction may be any JSON value. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        if (options.propose() != null) {
            options.propose().keySet().forEach(name -> fields.put(name, ValueType.any()));
        }
        return ValueType.object(fields);
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new ReviewStep(stepId, options);
    }
}
