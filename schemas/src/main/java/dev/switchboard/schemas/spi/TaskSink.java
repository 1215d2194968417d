package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.Task;

/** Delivers tasks to one destination. Must send the task id as an idempotency key where the destination has one. */
public interface TaskSink extends AutoCloseable {

    String name();

    DeliveryResult deliver(Task task);

    /** Delivers with context (trace, attempt); sinks that can pass a trace on override this. */
    default DeliveryResult deliver(Task task, DeliveryContext context) {
        return deliver(task);
    }

    @Override
    default void close() {
    }
}
