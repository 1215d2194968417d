package dev.switchboard.connectors.sources.cdc;

import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.connectors.sources.internal.SourceThreads;
import dev.switchboard.schemas.spi.Source;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Debezium's embedded engine and publishes each batch of changes before letting the engine
 * commit it: a batch's records are marked processed only once Kafka acknowledged all of its events,
 * so the stored offset (and the replication slot's confirmed position) never passes an event that
 * is not in Kafka. A batch Kafka does not acknowledge is published again, with the same ids, until
 * it is; a crash before that replays it on restart. When the engine stops with an error (the
 * database is unreachable, the slot is in use) it is started again after a pause.
 */
public final class DebeziumPostgresSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumPostgresSource.class);
    private static final Duration ACK_POLL = Duration.ofMillis(200);

    // the first pause before the engine is started again after it stopped with an error (doubles, up to a minute)
    private static final Duration RESTART_DELAY = Duration.ofSeconds(5);

    /**
     * What the change stream reads and where it publishes.
     *
     * @param properties Debezium engine and connector properties
     * @param target     where the events go; a batch not acknowledged within its timeout is published again
     */
    public record Settings(Properties properties, ChangeEventMapping mapping, EventTarget target) {
        public Settings {
            Objects.requireNonNull(mapping, "mapping");
            Objects.requireNonNull(target, "target");
            Properties copy = new Properties();
            copy.putAll(properties);
            properties = copy;
        }
    }

    private final String name;
    private final Settings settings;
    private final ExecutorService runner;
    private final SourceHealth health = new SourceHealth("created");
    private final AtomicLong changes = health.counter("changes_read");
    private final AtomicLong published = health.counter("events_published");
    private final AtomicLong republished = health.counter("events_published_again");
    private volatile DebeziumEngine<ChangeEvent<String, String>> engine;
    private volatile boolean closing;
    private volatile Instant lastEventAt;

    public DebeziumPostgresSource(String name, Settings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = settings;
        this.runner = Executors.newSingleThreadExecutor(SourceThreads.of(name));
        health.detail("last_event_at", () -> lastEventAt == null ? null : lastEventAt.toString());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        health.state("starting");
        runner.execute(this::runUntilClosed);
    }

    private void runUntilClosed() {
        Duration delay = RESTART_DELAY;
        while (!closing && !Thread.currentThread().isInterrupted()) {
            long before = published.get();
            AtomicBoolean failed = new AtomicBoolean(true);
            try {
                engine = DebeziumEngine.create(Json.class)
                        .using(settings.properties())
                        .using((success, message, error) -> {
                            failed.set(!success);
                            if (!success && !closing) {
                                health.failed(message + (error == null ? "" : ": " + rootMessage(error)));
                            }
                        })
                        .notifying(this::handleBatch)
                        .build();
                health.state("running");
                engine.run();
            } catch (RuntimeException e) {
                health.failed(rootMessage(e));
            }
            if (closing) {
                break;
            }
            if (!failed.get()) {
                LOG.info("Source {}: the change stream finished (snapshot_mode initial_only)", name);
                health.state("finished");
                return;
            }
            health.state("restarting");
            LOG.warn("Source {}: the change stream stopped ({}); starting it again in {} s", name, health.lastError(), delay.toSeconds());
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // back off while nothing gets through, up to a minute
            delay = published.get() > before ? RESTART_DELAY : min(max(delay.multipliedBy(2), Duration.ofSeconds(1)), Duration.ofMinutes(1));
        }
        if (!"finished".equals(health.state())) {
            health.state("stopped");
        }
    }

    /** Publishes a batch, waits for Kafka, then marks it processed: the engine commits nothing Kafka has not acknowledged. */
    private void handleBatch(List<ChangeEvent<String, String>> records, DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        List<SourceEvent> events = new ArrayList<>(records.size());
        for (ChangeEvent<String, String> record : records) {
            Optional<SourceEvent> event = settings.mapping().map(record.key(), record.value());
            event.ifPresent(events::add);
        }
        changes.addAndGet(records.size());
        publishUntilAcknowledged(events);
        for (ChangeEvent<String, String> record : records) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
    }

    private void publishUntilAcknowledged(List<SourceEvent> events) throws InterruptedException {
        Duration delay = Duration.ofMillis(500);
        for (int attempt = 1; !events.isEmpty(); attempt++) {
            Map<SourceEvent, CompletableFuture<Void>> pending = new LinkedHashMap<>();
            for (SourceEvent event : events) {
                pending.put(event, settings.target().publish(event));
            }
            Optional<Throwable> failure = awaitAll(pending.values());
            if (failure.isEmpty()) {
                published.addAndGet(events.size());
                lastEventAt = Instant.now();
                return;
            }
            republished.addAndGet(events.size());
            health.failed("Kafka did not acknowledge " + events.size() + " event(s) (attempt " + attempt + "): " + rootMessage(failure.get()));
            LOG.warn("Source {}: {}; publishing the batch again (same event ids)", name, health.lastError());
            sleepUnlessClosing(delay);
            delay = min(delay.multipliedBy(2), Duration.ofSeconds(30));
        }
    }

    /** Waits for every future; empty when all completed, else the first failure (a timeout counts). */
    private Optional<Throwable> awaitAll(Iterable<CompletableFuture<Void>> futures) throws InterruptedException {
        long deadline = System.nanoTime() + settings.target().ackTimeout().toNanos();
        for (CompletableFuture<Void> future : futures) {
            while (true) {
                if (closing) {
                    throw new InterruptedException("Source " + name + " is closing before Kafka acknowledged its batch; "
                            + "the batch is not committed and is read again on restart");
                }
                long left = deadline - System.nanoTime();
                try {
                    future.get(Math.max(0, Math.min(left, ACK_POLL.toNanos())), TimeUnit.NANOSECONDS);
                    break;
                } catch (ExecutionException e) {
                    return Optional.of(e.getCause() == null ? e : e.getCause());
                } catch (TimeoutException e) {
                    if (left <= 0) {
                        return Optional.of(new TimeoutException("no acknowledgement within " + settings.target().ackTimeout().toSeconds() + " s"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private void sleepUnlessClosing(Duration delay) throws InterruptedException {
        long until = System.nanoTime() + delay.toNanos();
        while (System.nanoTime() < until) {
            if (closing) {
                throw new InterruptedException("Source " + name + " is closing; the batch is read again on restart");
            }
            Thread.sleep(Math.min(ACK_POLL.toMillis(), Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    @Override
    public Map<String, Object> health() {
        return health.report();
    }

    /** Stops the engine; what Kafka acknowledged is committed, the rest is read again on the next start. */
    @Override
    public void close() {
        closing = true;
        DebeziumEngine<ChangeEvent<String, String>> running = engine;
        if (running != null) {
            // The engine refuses to stop while its tasks are starting (they hold connections being opened): wait for that.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    running.close();
                    break;
                } catch (IllegalStateException e) {
                    if (e.getMessage() != null && e.getMessage().contains("already")) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        LOG.warn("Source {}: the change stream did not stop: {}", name, e.getMessage());
                        break;
                    }
                    sleepQuietly(Duration.ofMillis(100));
                } catch (Exception e) {
                    LOG.warn("Source {}: closing the change stream failed: {}", name, e.getMessage());
                    break;
                }
            }
        }
        runner.shutdown();
        try {
            if (!runner.awaitTermination(60, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
        } catch (InterruptedException e) {
            runner.shutdownNow();
            Thread.currentThread().interrupt();
        }
        health.state("stopped");
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
