package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates a task for a configured sink. The task goes to the tasks topic (the outbox) with the
 * event; the delivery stage sends it. Its id is a hash of workflow, event id and step id, so the
 * same event never makes two tasks. The sink is fixed in the workflow: nothing in an event or a
 * model answer can send a task elsewhere.
 */
public final class TaskStep implements StepFactory<TaskStep.Options> {

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
            Map<String, String> fields) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, StepEnvironment environment) {
        List<String> problems = new ArrayList<>();
        if (!environment.sinkNames().contains(options.sink())) {
            problems.add("Unknown sink at sink: got '" + options.sink() + "', expected one of "
                    + environment.sinkNames().stream().sorted().toList()
                    + ". Declare it under sinks: in the engine configuration");
        }
        if (options.dueIn() != null && parseDue(options.dueIn()) == null) {
            problems.add("Invalid period at due_in: got '" + options.dueIn() + "', expected an ISO-8601 period or duration such as P2D or PT4H");
        }
        return problems;
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new Runner(options);
    }

    /** A {@link Duration} for PT… and a {@link Period} for P…D/W/M/Y; null when it is neither. */
    private static java.time.temporal.TemporalAmount parseDue(String text) {
        try {
            return text.contains("T") ? Duration.parse(text) : Period.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private record Runner(Options options) implements Step {

        @Override
        public List<StepOutcome> run(List<StepInvocation> batch) {
            List<StepOutcome> outcomes = new ArrayList<>(batch.size());
            for (StepInvocation invocation : batch) {
                outcomes.add(run(invocation));
            }
            return outcomes;
        }

        private StepOutcome run(StepInvocation invocation) {
            String id = Task.idFor(invocation.workflow(), invocation.eventId(), invocation.stepId());
            Map<String, Object> fields = new LinkedHashMap<>();
            if (options.fields() != null) {
                options.fields().forEach((key, template) -> fields.put(key, invocation.render(template)));
            }
            Instant eventTime = eventTime(invocation.event().get("time"));
            String due = options.dueIn() == null ? null
                    : eventTime.atOffset(java.time.ZoneOffset.UTC).plus(parseDue(options.dueIn())).toInstant().toString();
            List<ModelCall> lineage = invocation.calls();
            Task task = new Task(id, invocation.workflow(), invocation.stepId(), options.sink(), invocation.eventId(),
                    invocation.eventType(), invocation.render(options.title()),
                    options.body() == null ? null : invocation.render(options.body()),
                    options.priority() == null ? "normal" : options.priority(), due,
                    options.owner() == null ? null : blankToNull(invocation.render(options.owner())),
                    // createdAt is the event's time, not the wall clock: a replayed event yields an identical task
                    fields, lineage, eventTime.toString());
            return new StepOutcome.Completed(Map.of("id", id), task, List.of());
        }

        private static Instant eventTime(Object time) {
            if (time instanceof String text) {
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException ignored) {
                    // the envelope schema checks the format; an odd offset falls back to now
                }
            }
            return Instant.now();
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text;
        }
    }
}
