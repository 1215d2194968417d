package dev.switchboard.workflows.model;

import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/**
 * {@code on.schedule}: starts the workflow with one {@code switchboard.digest} event per period,
 * summing up what the workflows did in it (tasks per workflow and label, deliveries, model calls and
 * cost, reviews, and with {@code business} the invoices, payments and tickets); or, with
 * {@code overdue}, with one {@code invoice.overdue} event per open receivable reaching a stage of a
 * reminder ladder.
 */
public record ScheduleTrigger(
        @Option(description = "Five-field cron: minute hour day-of-month month day-of-week, e.g. `0 9 * * MON` "
                + "(Mondays at 09:00). Give `cron` or `every`.")
        String cron,
        @Option(description = "ISO-8601 period or duration between digests, e.g. `P7D` or `PT1H`, counted from the "
                + "workflow's first start. Give `cron` or `every`.")
        String every,
        @Option(description = "Time zone the cron expression is read in, e.g. `Europe/Paris`.", defaultValue = "UTC")
        String zone,
        @Option(description = "Workflows whose work the digest counts; all workflows when omitted.")
        List<String> workflows,
        @Option(description = "Topics of business events the digest also sums up, under `business`: invoices accepted and issued, paid "
                + "and partially paid, payments and unmatched payments, reminders, tickets; with the open and overdue invoices of the "
                + "open-invoices table (see docs/state.md). E.g. `[switchboard.events, switchboard.finance]`.")
        List<String> business,
        @Option(description = "Instead of a digest: when the schedule falls due, one `invoice.overdue` event per open receivable (an "
                + "`invoice.issued` not yet paid, from the open-invoices table of `kafka.streams.reconcile`) that has reached a stage of "
                + "this ladder, at most once per stage; a paid invoice gets no more (see docs/state.md).")
        Overdue overdue) {

    /** The CloudEvent type of a digest. */
    public static final String DIGEST_TYPE = EventSchemas.DIGEST;
    /** The CloudEvent type of a reminder stage reached. */
    public static final String OVERDUE_TYPE = "invoice.overdue";

    /** A schedule of digests about the workflows' own work. */
    public ScheduleTrigger(String cron, String every, String zone, List<String> workflows) {
        this(cron, every, zone, workflows, null, null);
    }

    /** The type of the event this schedule starts its workflow with. */
    public String eventType() {
        return overdue == null ? DIGEST_TYPE : OVERDUE_TYPE;
    }

    /** {@code on.schedule.overdue}: the reminder ladder. */
    public record Overdue(
            @Option(description = "The stages, in order: each its `name` (what `event.data.stage` says) and `after`, how long after the "
                    + "due date it begins, as an ISO-8601 period of days, weeks or months (`P7D`, `P2W`, `P1M`). An invoice that has "
                    + "passed several stages since the last run gets the latest one only.",
                    defaultValue = "[{name: friendly, after: P7D}, {name: firm, after: P14D}, {name: final, after: P30D}]")
            List<Stage> stages) {
    }

    /** One stage of the ladder. */
    public record Stage(
            @Option(description = "The stage's name, e.g. `friendly`.", required = true)
            String name,
            @Option(description = "Days, weeks or months after the due date, e.g. `P7D`.", required = true)
            String after) {
    }
}
