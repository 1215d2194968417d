package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes {@link DecideStep}s: a policy written once in the workflow, as ordered CEL rules, whose decision later
 * steps branch on. The loader compiles every rule's condition; the factory checks the decisions' names.
 */
public final class DecideStepFactory implements StepFactory<DecideStepFactory.Options> {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    @Documentation(name = "decide", summary = "Names the first outcome whose CEL rule holds: a policy written once, that later steps branch on.",
            description = """
                    Output: `decision`, the `then` of the first rule whose `when` holds over `event` and earlier `steps`, \
                    else `otherwise`; `rule`, the position of that rule from 0 (-1 for `otherwise`). Later steps branch \
                    with their own `when`, e.g. `when: "steps.route.decision == 'auto_resolve'"`, so a policy that sends \
                    work several ways is written, read and changed in one place. Rules are tried in order and stop at the \
                    first that holds. A rule that cannot be evaluated for an event (a field that is not there, not guarded \
                    by `has()`) dead-letters the event with the rule's message, as a step's `when` does.""")
    @Example(title = "Auto-resolve only what the policy allows", yaml = """
            id: route
            decide:
              rules:
                - when: "steps.triage.label in ['security', 'privacy_legal'] || (steps.account.found && steps.account.record.tier == 'vip')"
                  then: review
                - when: "steps.triage.confidence >= 0.8 && steps.reply.cited_score >= 0.5"
                  then: auto_resolve
              otherwise: agent_note
            """)
    public record Options(
            @Option(description = "The rules, in order: the first whose `when` holds decides.", required = true)
            List<Rule> rules,
            @Option(description = "The decision when no rule holds.", required = true)
            String otherwise) {
    }

    /** One rule of a policy. */
    public record Rule(
            @Option(description = "A CEL condition over `event` and earlier `steps`.", required = true, cel = true)
            String when,
            @Option(description = "The decision when the condition holds: a name (lowercase letters, digits and `_`) later steps compare with.",
                    required = true)
            String then) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        if (options.rules().isEmpty()) {
            problems.add(OptionProblem.at("rules", "No rules").expected("at least one rule with when and then")
                    .fix("Without rules every event gets the otherwise decision; drop the step instead"));
        }
        for (int i = 0; i < options.rules().size(); i++) {
            String then = options.rules().get(i).then();
            if (!NAME.matcher(then).matches()) {
                problems.add(invalidName("rules[" + i + "].then", then));
            }
        }
        if (!NAME.matcher(options.otherwise()).matches()) {
            problems.add(invalidName("otherwise", options.otherwise()));
        }
        return problems;
    }

    private static OptionProblem invalidName(String path, String name) {
        return OptionProblem.at(path, "Invalid decision name").got(name).expected("lowercase letters, digits and '_', e.g. auto_resolve")
                .fix("Later steps compare steps.<id>.decision with it");
    }

    /** {@code decision}, one of the rules' {@code then} and {@code otherwise}, so a misspelt decision in a later condition is found at load time. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        Set<String> decisions = new LinkedHashSet<>();
        options.rules().forEach(rule -> decisions.add(rule.then()));
        decisions.add(options.otherwise());
        return ValueType.object(Map.of("decision", ValueType.text(decisions), "rule", ValueType.integer()));
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new DecideStep(stepId, options);
    }
}
