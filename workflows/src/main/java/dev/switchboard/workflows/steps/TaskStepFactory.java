package dev.switchboard.workflows.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.schemas.types.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link TaskStep}s: their options (the sink and the task's templates), examples and the checks that
 * the sink is configured, the due period parses, and {@code for_each} is a path (whose items the templates
 * read as {@code item}, which the loader checks against the list's declared items). The sink is fixed in the workflow: nothing in an event or a model answer can send a
 * task elsewhere.
 */
public final class TaskStepFactory implements StepFactory<TaskStepFactory.Options> {

    /** What a {@code for_each} path may start at. */
    private static final Set<String> ROOTS = Set.of("event", "steps");

    @Documentation(name = "task", summary = "Creates a task for a configured sink (CRM, webhook, file), exactly once per event, or once per item of a list.",
            description = """
                    Output: `id`, the task's deterministic id (a hash of workflow, event id and step id). Every text option \
                    is a template over `event` and earlier `steps`. With `for_each` (a path to a list, such as an extract \
                    step's list field) the step makes one task per item, in order, and the templates also read `item`; \
                    the output is then `ids` and `count`, and each task's id hashes the item's position too, so the same \
                    event makes the same tasks again. An absent or null list makes no task; a value that is not a list, \
                    or a list longer than `max_items`, fails the event (dead letter).""")
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
    @Example(title = "A CRM task per next step of a call", yaml = """
            id: next-steps
            task:
              sink: hubspot-tasks
              for_each: steps.summary.next_steps
              title: "{{ item.owner }}: {{ item.action }}"
              body: "From the call {{ event.data.title }}"
              due: "{{ item.due }}"
              fields:
                hubspot_deal_id: "{{ event.data.crm.hubspot.deal_id }}"
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
            @Option(description = "Due date as a template that renders an ISO-8601 date or date-time, e.g. `{{ item.due }}`; "
                    + "when it renders empty, `due_in` applies. A value that is no date fails the event.", template = true)
            String due,
            @Option(description = "A path to a list (`steps.summary.next_steps`, `event.data.items`): one task per item, "
                    + "whose templates read the item as `item`.")
            @JsonProperty("for_each") String forEach,
            @Option(description = "The most items `for_each` may give; a longer list fails the event rather than flood the sink.",
                    defaultValue = "20", minimum = 1, maximum = 200)
            @JsonProperty("max_items") Integer maxItems,
            @Option(description = "Minutes of a person's work a delivered task of this step saves; `switchboard report` counts them "
                    + "(less the time spent in review).", minimum = 0)
            @JsonProperty("minutes_saved") Double minutesSaved) {
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
        if (options.forEach() != null) {
            problems.addAll(checkForEach(options.forEach()));
        }
        return problems;
    }

    private static List<OptionProblem> checkForEach(String forEach) {
        try {
            Template.Path path = Template.path(forEach.strip());
            if (ROOTS.contains(path.segments().get(0)) && path.segments().size() > 1) {
                return List.of();
            }
        } catch (Template.TemplateException e) {
            // reported below, as any path that is not one
        }
        return List.of(OptionProblem.at("for_each", "Invalid path").got(forEach)
                .expected("a path to a list under event or steps, e.g. steps.summary.next_steps (no {{ }})"));
    }

    /** The task's deterministic {@code id}; with {@code for_each}, the {@code ids} of its tasks, in order, and their {@code count}. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        return options.forEach() == null ? ValueType.object(Map.of("id", ValueType.text()))
                : ValueType.object(Map.of("ids", ValueType.list(ValueType.text()), "count", ValueType.integer()));
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new TaskStep(options);
    }
}
