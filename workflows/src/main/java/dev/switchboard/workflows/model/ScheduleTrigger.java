package dev.switchboard.workflows.model;

import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/**
 * {@code on.schedule}: starts the workflow with one {@code switchboard.digest} event per period,
 * summing up what the workflows did in it (tasks per workflow and label, deliveries, model calls and
 * cost, reviews).
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
        List<String> workflows) {

    /** The CloudEvent type of a digest. */
    public static final String DIGEST_TYPE = EventSchemas.DIGEST;
}
