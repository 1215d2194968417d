package dev.switchboard.llm.steps.internal;

import dev.switchboard.schemas.spi.StepOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Asks the events of a batch, each apart: side by side on the model calls' executor, or a lone event (most batches under a
 * steady trickle) on the calling thread rather than handed to another and waited for. A throw while one is asked fails that
 * event alone, through {@code threw} (given the event's index in {@code asks}).
 */
final class EventAsks {

    private EventAsks() {
    }

    static List<StepOutcome> ask(List<Supplier<StepOutcome>> asks, Executor executor, BiFunction<Integer, Throwable, StepOutcome> threw) {
        if (asks.size() == 1) {
            try {
                return Collections.singletonList(asks.get(0).get());
            } catch (RuntimeException | Error e) {
                return Collections.singletonList(threw.apply(0, e));
            }
        }
        List<CompletableFuture<StepOutcome>> answers = new ArrayList<>(asks.size());
        asks.forEach(ask -> answers.add(CompletableFuture.supplyAsync(ask, executor)));
        List<StepOutcome> outcomes = new ArrayList<>(asks.size());
        for (int k = 0; k < answers.size(); k++) {
            try {
                outcomes.add(answers.get(k).join());
            } catch (CompletionException | CancellationException e) {
                outcomes.add(threw.apply(k, e));
            }
        }
        return outcomes;
    }
}
