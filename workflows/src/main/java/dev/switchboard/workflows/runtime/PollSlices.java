package dev.switchboard.workflows.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * How a workflow's route cuts a poll into the batches it runs. The first poll after a start holds the backlog
 * (a whole poll of it): it runs in slices that double from {@link #FIRST_SLICE}, each written and committed
 * before the next, so the first tasks go out while the rest is still in the steps. Later polls run whole: one
 * write and one commit per poll is what keeps the steady state fast.
 */
final class PollSlices {

    /** Events in the first slice of the first poll; each next slice is twice as large. */
    static final int FIRST_SLICE = 16;

    private boolean firstPollDone;

    /** The batches to run for this poll, in order; an empty poll does not count as the first. */
    <T> List<List<T>> slice(List<T> poll) {
        if (poll.isEmpty()) {
            return List.of();
        }
        if (firstPollDone) {
            return List.of(poll);
        }
        firstPollDone = true;
        List<List<T>> slices = new ArrayList<>();
        for (int from = 0, size = FIRST_SLICE; from < poll.size(); from += size, size *= 2) {
            slices.add(poll.subList(from, Math.min(poll.size(), from + size)));
        }
        return slices;
    }
}
