package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.Option;
import java.util.List;
import java.util.Map;

/** The {@code on:} section: which events start the workflow. */
public record Trigger(
        @Option(description = "Kafka topic to read CloudEvents from.", defaultValue = "switchboard.events")
        String topic,
        @Option(description = "CloudEvent types that start the workflow, e.g. `ticket.created` (with `window`: the types counted). "
                + "Required unless `schedule` is given.")
        List<String> types,
        @Option(description = "CEL condition over `event`; events for which it is false are skipped.", cel = true)
        String filter,
        @Option(description = "Where a new workflow starts reading: `earliest` replays the topic, `latest` takes new events only.",
                defaultValue = "latest", allowed = {"earliest", "latest"})
        String start,
        @Option(description = "Start the workflow from a window over these events instead of from each event: count them per key "
                + "and fire one `switchboard.window.fired` event when a condition holds (see docs/state.md).")
        WindowTrigger window,
        @Option(description = "Start the workflow on a schedule with a `switchboard.digest` event summing up what workflows did "
                + "(see docs/state.md). Takes no `types`.")
        ScheduleTrigger schedule,
        @Option(description = "JSON Schemas of event types of your own, by type: files relative to the workflow file, e.g. "
                + "`{invoice.received: schemas/invoice.received.schema.json}`. Templates and conditions are checked against them "
                + "when the workflow loads, as they are against the shipped schemas of `ticket.created`, `email.received` and the others; "
                + "a type with no schema gets a warning.", file = true)
        Map<String, String> schemas) {

    /** A trigger that declares no schemas of its own. */
    public Trigger(String topic, List<String> types, String filter, String start, WindowTrigger window, ScheduleTrigger schedule) {
        this(topic, types, filter, start, window, schedule, null);
    }
}
