package dev.switchboard.schemas.spi;

import java.util.List;

/** One configured step of one workflow. Steps run over batches so that models can batch too. */
public interface Step extends AutoCloseable {

    /** Runs every invocation of the batch and returns one outcome per invocation, in the same order. */
    List<StepOutcome> run(List<StepInvocation> batch);

    @Override
    default void close() {
    }
}
