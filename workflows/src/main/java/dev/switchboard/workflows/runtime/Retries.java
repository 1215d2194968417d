package dev.switchboard.workflows.runtime;

import java.time.Duration;

/**
 * How a stage retries: by {@code policy}, with no wait of a batch ending later than
 * {@code batchWaitLimit} after the batch began ({@link WaitBudget}), waiting on {@code timer}.
 */
public record Retries(RetryPolicy policy, Duration batchWaitLimit, WaitBudget.Timer timer) {

    /** The budget of a batch that begins now. */
    WaitBudget startBatch() {
        return WaitBudget.start(batchWaitLimit, timer);
    }
}
