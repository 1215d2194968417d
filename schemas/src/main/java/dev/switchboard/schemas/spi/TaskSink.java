package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.Task;

/** Delivers tasks to one destination. Must send the task id as an idempotency key where the destination has one. */
public interface TaskSink extends AutoCloseable {

    String name();

    DeliveryResult deliver(Task task);

    @Override
    default void close() {
    }
}
