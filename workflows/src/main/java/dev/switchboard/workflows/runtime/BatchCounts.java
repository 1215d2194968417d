package dev.switchboard.workflows.runtime;

/** What became of the events of one batch. */
public record BatchCounts(int events, int skipped, int tasks, int deadLetters, int reviews) {
}
