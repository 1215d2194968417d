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
        @Option(description = "CEL condition over the window: `key`, `count` and, with `value`, `sum`, `min`, `max` and `value` (the "
                + "latest event's); with `baseline`, also `baseline.count`, `baseline.mean`, `baseline.stddev`, `baseline.median` and "
                + "`baseline.mad`; e.g. `count >= 3` or `value > baseline.mean + 4.0 * baseline.stddev`.",
                required = true)
        String condition,
        @Option(description = "CEL number over `event` that the window aggregates into `sum`, `min` and `max`, e.g. `event.data.amount`.")
        String value,
        @Option(description = "`early`: fire the moment the condition first holds in a window; `final`: evaluate it once, "
                + "when the window closes (its end plus grace).", defaultValue = "early", allowed = {"early", "final"})
        String emit,
        @Option(description = "Trailing statistics per key over the windows before the current one, for `condition` as `baseline.*` "
                + "(tumbling windows only): an invoice far above its supplier's history, a spike of refunds against earlier hours.")
        Baseline baseline) {

    /** A window without a baseline. */
    public WindowTrigger(String key, String kind, String size, String advance, String gap, String grace, String condition, String value,
                         String emit) {
        this(key, kind, size, advance, gap, grace, condition, value, emit, null);
    }

    /** {@code on.window.baseline}: what the trailing statistics are of, and how far back they reach. */
    public record Baseline(
            @Option(description = "`value`: each earlier event's `value` (an invoice's amount against the supplier's earlier invoices); "
                    + "`count` or `sum`: each earlier window's count or sum (refunds per hour against earlier hours; a window without events "
                    + "counts as 0, from the key's first window on).", defaultValue = "value", allowed = {"value", "count", "sum"})
            String of,
            @Option(description = "How many earlier values or windows the statistics cover; the oldest leave first.",
                    defaultValue = "30", minimum = 2, maximum = 1000)
            Integer last) {
    }

    /** The CloudEvent type of the event a window fires. */
    public static final String FIRED_TYPE = EventSchemas.WINDOW_FIRED;
}
