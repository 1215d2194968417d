package dev.switchboard.workflows.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The books of one scenario: what went in and where each of it ended. {@code lost} is what is
 * neither delivered, dead-lettered nor held for review; every scenario asserts it is 0. Each
 * line is printed and appended to {@code target/reliability-summary.txt}, so a run ends with a
 * readable summary of every scenario.
 */
record Books(String scenario, long sent, long delivered, long duplicatesAbsorbed, long deadLettered, long review,
             long lost, String notes) {

    static final Path SUMMARY = Path.of("target", "reliability-summary.txt");
    /** The first scenario of a test run starts the summary afresh. */
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    String line() {
        return String.format(Locale.ROOT,
                "%-22s sent %6d / delivered %6d / duplicates absorbed %5d / dead-lettered %6d / review %5d / lost %d%s",
                scenario, sent, delivered, duplicatesAbsorbed, deadLettered, review, lost,
                notes == null || notes.isBlank() ? "" : "   (" + notes + ")");
    }

    /** Prints the line and appends it to the run's summary file. */
    Books print() {
        String line = line();
        System.out.println("[reliability] " + line);
        try {
            Files.createDirectories(SUMMARY.getParent());
            boolean first = STARTED.compareAndSet(false, true);
            Files.writeString(SUMMARY, Instant.now() + "  " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, first ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
