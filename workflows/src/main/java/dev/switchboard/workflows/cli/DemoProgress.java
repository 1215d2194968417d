package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.runtime.Engine;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** How a demo waits for its engine to finish: polling the engine's counters until they say the events are settled. */
final class DemoProgress {

    private DemoProgress() {
    }

    /** The engine's counters once {@code settled} holds for them; past {@code deadline} (nanoTime), a failure saying {@code late}. */
    static Map<String, Map<String, Long>> await(Engine engine, long deadline, Predicate<Map<String, Map<String, Long>>> settled,
                                                Function<Map<String, Map<String, Long>>, String> late) throws InterruptedException {
        while (true) {
            Map<String, Map<String, Long>> counters = engine.counters();
            if (settled.test(counters)) {
                return counters;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(late.apply(counters));
            }
            Thread.sleep(100); // polling the engine's counters for completion
        }
    }

    /** The tasks delivery is done with: delivered or dead-lettered. */
    static long settledTasks(Map<String, Map<String, Long>> counters) {
        Map<String, Long> delivery = counters.getOrDefault("delivery", Map.of());
        return delivery.getOrDefault("delivered", 0L) + delivery.getOrDefault("dead_letters", 0L);
    }
}
