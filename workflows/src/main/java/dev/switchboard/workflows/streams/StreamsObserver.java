package dev.switchboard.workflows.streams;

/**
 * Told what the stages do with records, for metrics ({@code switchboard.streams.events}). Counts are
 * at-least-once: a transaction that aborts and is retried counts its records again.
 */
@FunctionalInterface
public interface StreamsObserver {

    StreamsObserver NONE = (stage, outcome) -> { };

    /**
     * @param stage   {@code dedup}, {@code crm}, {@code window:<workflow>} or {@code digest:<workflow>}
     * @param outcome what happened, e.g. {@code passed}, {@code dropped}, {@code fired}
     */
    void count(String stage, String outcome);
}
