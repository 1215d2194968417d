package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Makes {@link EventSink}s: each task published as a CloudEvent of a declared type on a Kafka topic. */
public final class EventSinkFactory implements SinkFactory<EventSinkFactory.Options> {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+");

    @Documentation(name = "event", summary = "Publishes each task as a CloudEvent of a declared type on a Kafka topic, for other workflows and stages.",
            description = """
                    Turns a workflow's result into an event of its own, e.g. `invoice.accepted` for the open-invoices \
                    table. `data` is the JSON object held by the task field `data_field` (a task step renders a step's \
                    output there: `invoice: "{{ steps.checks.invoice }}"`), or the task's fields when there is none. \
                    Types with a schema shipped with Switchboard are checked against it, and a task whose data does not \
                    pass is dead-lettered with the schema's reason. Types `switchboard.*` and `crm.*` are reserved.

                    Idempotency: the event id is the task id, the same on every delivery of the task, and `time` is \
                    the task's creation time; a redelivered task publishes the same event again, \
                    which the dedup stage and every consumer keyed by event id take once.""")
    @Example(title = "Accepted invoices for the open-invoices table", yaml = """
            accepted-invoices:
              event:
                type: invoice.accepted
                data_field: invoice
                key: "{{ task.fields.invoice_key }}"
                subject: "{{ task.fields.invoice_key }}"
            """)
    public record Options(
            @Option(description = "The CloudEvent type, e.g. `invoice.accepted` (lowercase words separated by dots).", required = true)
            String type,
            @Option(description = "Kafka topic the events are published to.", defaultValue = "switchboard.events") String topic,
            @Option(description = "Task field holding the event's data as a JSON object. Without it, `data` is the task's fields.")
            @JsonProperty("data_field") String dataField,
            @Option(description = "Kafka key: a template over the task. Events with one key stay in order. Default: the task's event id.",
                    template = true)
            String key,
            @Option(description = "The event's `subject`: a template over the task.", template = true) String subject,
            @Option(description = "The event's `source`. Default: `/switchboard/workflows/<the task's workflow>`.") String source,
            @Option(description = "Seconds to wait for Kafka to acknowledge the event before the delivery is retried.",
                    defaultValue = "10", minimum = 1, maximum = 120)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
    }

    @Override
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        if (!TYPE.matcher(options.type()).matches()) {
            problems.add(OptionProblem.at("type", "Invalid event type").got(options.type())
                    .expected("lowercase words separated by dots, such as invoice.accepted"));
        }
        ReservedEventTypes.refusal(options.type(), false).ifPresent(reason -> problems.add(OptionProblem.at("type", "Refused type")
                .fix(": " + reason)));
        if (options.key() != null) {
            problems.addAll(TaskTemplate.check(options.key(), "key", "key template"));
        }
        if (options.subject() != null) {
            problems.addAll(TaskTemplate.check(options.subject(), "subject", "subject template"));
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        return new EventSink(name, options.type(), options.topic(), options.dataField(),
                options.key() == null ? null : TaskTemplate.parse(options.key()),
                options.subject() == null ? null : TaskTemplate.parse(options.subject()), options.source(),
                environment.events().orElseThrow(() -> new IllegalStateException("Sink '" + name
                        + "' publishes to Kafka, and runs only in the engine")),
                Duration.ofSeconds(options.ackTimeoutSeconds()));
    }
}
