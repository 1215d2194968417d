package dev.switchboard.workflows.streams;

import dev.switchboard.workflows.expr.Cron;
import dev.switchboard.workflows.model.ScheduleTrigger;
import dev.switchboard.workflows.model.TriggerChecks;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.TemporalAmount;

/** When digests fall due: a cron expression in a zone, or a fixed period from the first start. */
record DigestSchedule(Cron cron, TemporalAmount every, ZoneId zone) {

    static DigestSchedule of(ScheduleTrigger trigger) {
        return new DigestSchedule(trigger.cron() == null ? null : Cron.parse(trigger.cron()),
                trigger.every() == null ? null : TriggerChecks.period(trigger.every()), ZoneId.of(trigger.zone()));
    }

    /**
     * The first due time after {@code now}. With a period it continues the cadence from {@code previous}
     * (the last due time, or the first start), skipping periods missed while the engine was down.
     */
    Instant next(Instant previous, Instant now) {
        if (cron != null) {
            return cron.next(now, zone).toInstant();
        }
        var time = previous.atZone(zone);
        do {
            time = time.plus(every);
        } while (!time.toInstant().isAfter(now));
        return time.toInstant();
    }
}
