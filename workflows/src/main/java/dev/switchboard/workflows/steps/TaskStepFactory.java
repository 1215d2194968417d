package dev.switchboard.workflows.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link TaskStep}s: their options (the sink and the task's templates), examples and the checks that
 * the sink is configured and the due period parses. The sink is fixed in the workflow: nothing in an event
 * or a model answer can send a task elsewhere.
 */
public final class TaskStepFactory implements StepFactory<TaskStepFactory.Options> {

    @Documentation(name = "task", summary = "Creates a task for a configured sink (CRM, webhook, file), exactly once per event.",
            description = "Output: `id`, the task's deterministic id. Every text option is a template over `event` and earlier `steps`.")
    @Example(title = "A task for the support queue", yaml = """
            id: create-task
            task:
              sink: support-queue
              title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
              body: "{{ event.data.body }}"
              priority: high
              due_in: P1D
              fields:
                label: "{{ steps.triage.label }}"
                requester: "{{ event.data.requester.email }}"
            """)
    public record Options(
            @Option(description = "Name of the sink under `sinks:` in the engine configuration.", required = true)
            String sink,
            @Option(description = "One-line title.", required = true, template = true)
            String title,
            @Option(description = "Body text.", template = true)
            String body,
            @Option(description = "Priority of the task.", defaultValue = "normal", allowed = {"low", "normal", "high", "urgent"})
            String priority,
            @Option(description = "Due date as an ISO-8601 period or duration after the event's time, e.g. `P2D` or `PT4H`.")
            @JsonProperty("due_in") String dueIn,
            @Option(description = "Owner (an email or CRM owner id).", template = true)
            String owner,
            @Option(description = "Extra values passed to the sink, each a template.", template = true)
            Map<String, String> fields,
            @Option(description = "Minutes of a person's work a delivered task of this step saves; `switchboard report` counts them "
                    + "(less the time spent in review).", minimum = 0)
            @JsonProperty("minutes_saved") Double minutesSaved) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        if (!environment.sinkNames().contains(options.sink())) {
            problems.add(OptionProblem.at("sink", "Unknown sink").got(options.sink())
                    .expected("one of " + environment.sinkNames().stream().sorted().toList())
                    .fix("Declare it under sinks: in the engine configuration"));
        }
        if (options.dueIn() != null && TaskStep.parseDue(options.dueIn()) == null) {
            problems.add(OptionProblem.at("due_in", "Invalid period").got(options.dueIn())
                    .expected("an ISO-8601 period or duration such as P2D or PT4H"));
        }
        return problems;
    }

    /** The task's deterministic {@code id}. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        return ValueType.object(Map.of("id", ValueType.text()));
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new TaskStep(options);
    }
}
