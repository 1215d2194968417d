package dev.switchboard.workflows.model;

import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.options.Option;

/**
 * {@code on.window}: counts (and optionally sums) the workflow's events per key over a time window
 * and starts the workflow with one derived {@code switchboard.window.fired} event when a condition
 * over the window holds, once per window.
 */
public record WindowTrigger(
        @Option(description = "CEL expression over `event` whose value groups events, e.g. `event.data.account_id`. "
                + "Events for which it fails or gives null are not counted.", required = true)
        String key,
        @Option(description = "`tumbling`: fixed windows back to back; `hopping`: fixed windows that start every `advance` and overlap; "
                + "`session`: a window per burst of events, closed by `gap` without events.",
                defaultValue = "tumbling", allowed = {"tumbling", "hopping", "session"})
        String kind,
        @Option(description = "Window length as an ISO-8601 duration, e.g. `PT24H`. Required for tumbling and hopping windows.")
        String size,
        @Option(description = "Hopping windows: how often a window starts, e.g. `PT1H`; shorter than `size`.")
        String advance,
        @Option(description = "Session windows: the time without events that closes a session, e.g. `PT30M`.")
        String gap,
        @Option(description = "How long after a window's end late events (by event time) still count, e.g. `PT10M`. Later ones are dropped.",
                defaultValue = "PT0S")
        String grace,
        @Option(description = "CEL condition over the window: `key`, `count` and, with `value`, `sum`, `min` and `max`; e.g. `count >= 3`.",
                required = true)
        String condition,
        @Option(description = "CEL number over `event` that the window aggregates into `sum`, `min` and `max`, e.g. `event.data.amount`.")
        String value,
        @Option(description = "`early`: fire the moment the condition first holds in a window; `final`: evaluate it once, "
                + "when the window closes (its end plus grace).", defaultValue = "early", allowed = {"early", "final"})
        String emit) {

    /** The CloudEvent type of the event a window fires. */
    public static final String FIRED_TYPE = EventSchemas.WINDOW_FIRED;
}
