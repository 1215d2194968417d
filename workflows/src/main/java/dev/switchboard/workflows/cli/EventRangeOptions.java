package dev.switchboard.workflows.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** Which past events a replay reads: a time range or an offset range in every partition, and at most how many. */
final class EventRangeOptions {

    @Option(names = "--from", paramLabel = "TIME", description = "First event time, ISO-8601, e.g. 2026-11-28T09:00:00Z (default: the beginning).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Events before this time, ISO-8601 (default: up to now).")
    String to;

    @Option(names = "--from-offset", paramLabel = "OFFSET", description = "First offset in every partition, when --from is not given.")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "OFFSET", description = "Offsets below this in every partition, when --to is not given.")
    Long toOffset;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "EVENTS", description = "At most this many events; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    Instant fromTime() {
        return time(from);
    }

    Instant toTime() {
        return time(to);
    }

    /** Refuses a range that cannot be read, before anything connects. */
    void check() {
        fromTime();
        toTime();
        if (limit < 0) {
            throw CommandFailure.invalid("--limit must be 0 or more");
        }
    }

    private static Instant time(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw CommandFailure.invalid("Invalid time: " + e.getParsedString() + ". Write ISO-8601 with a zone, e.g. 2026-11-28T09:00:00Z");
        }
    }
}
