package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.bank.BankTransaction;
import dev.switchboard.connectors.sources.bank.Camt053Parser;
import dev.switchboard.connectors.sources.bank.EntrySelection;
import dev.switchboard.connectors.sources.bank.StatementException;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.connectors.sources.internal.SourceThreads;
import dev.switchboard.schemas.spi.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camt.053 statements dropped in a folder: every poll reads the {@code *.xml} files that have not
 * changed for {@code settle} (a file still being copied is left for the next poll), publishes each
 * statement's selected entries, and once Kafka has acknowledged all of them moves the file to
 * {@code done/}. A file that is not a statement goes to {@code failed/}, with the reason beside it in
 * {@code <file>.reason.txt}; a file Kafka did not acknowledge stays where it is and is read again,
 * under the same event ids.
 */
public final class Camt053FolderSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(Camt053FolderSource.class);
    static final String DONE = "done";
    static final String FAILED = "failed";

    /** How the source is set up; made by {@link Camt053FolderSourceFactory}. */
    record Settings(Path folder, EntrySelection entries, EventTarget target, Duration poll, Duration settle, long maxFileBytes) {
    }

    private final String name;
    private final Settings settings;
    private final Clock clock;
    private final SourceHealth health = new SourceHealth("created");
    private final AtomicLong done = health.counter("done");
    private final AtomicLong failed = health.counter("failed");
    private final AtomicLong published = health.counter("published");
    private ScheduledExecutorService poller;

    Camt053FolderSource(String name, Settings settings, Clock clock) {
        this.name = name;
        this.settings = settings;
        this.clock = clock;
        health.detail("type", () -> "camt053-folder").detail("folder", () -> settings.folder().toString());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(settings.folder().resolve(DONE));
        Files.createDirectories(settings.folder().resolve(FAILED));
        poller = Executors.newSingleThreadScheduledExecutor(SourceThreads.of(name));
        poller.scheduleWithFixedDelay(this::pollSafely, settings.poll().toMillis(), settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        health.state("watching");
        LOG.info("Source {} (camt053-folder) watching {} for statements, publishing {} to {}", name, settings.folder(),
                settings.entries().name().toLowerCase(Locale.ROOT), settings.target().topic());
    }

    private void pollSafely() {
        try {
            poll();
        } catch (IOException | RuntimeException e) {
            health.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.warn("Source {}: reading {} failed: {}", name, settings.folder(), health.lastError());
        }
    }

    /** One pass over the folder; public so tests can drive it without waiting for the poller. */
    public synchronized void poll() throws IOException {
        for (Path file : ready()) {
            if (!process(file)) {
                return; // Kafka did not acknowledge: keep the order, try again at the next poll
            }
        }
    }

    /** The statements to read now, oldest first. */
    private List<Path> ready() throws IOException {
        List<Path> files = new ArrayList<>();
        long settledBefore = clock.millis() - settings.settle().toMillis();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(settings.folder())) {
            for (Path file : listing) {
                String fileName = file.getFileName().toString();
                if (Files.isRegularFile(file) && !fileName.startsWith(".") && fileName.toLowerCase(Locale.ROOT).endsWith(".xml")
                        && Files.getLastModifiedTime(file).toMillis() <= settledBefore) {
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.<Path>comparingLong(file -> {
            try {
                return Files.getLastModifiedTime(file).toMillis();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        }).thenComparing(Path::toString));
        return files;
    }

    /** Publishes one file's events and moves it; false when Kafka did not acknowledge them. */
    private boolean process(Path file) throws IOException {
        if (Files.size(file) > settings.maxFileBytes()) {
            fail(file, "The file has " + Files.size(file) + " bytes, more than max_file_bytes " + settings.maxFileBytes()
                    + ". Split the statement, or raise max_file_bytes");
            return true;
        }
        Camt053Parser.Statement statement;
        try (InputStream in = Files.newInputStream(file)) {
            statement = Camt053Parser.parse(in);
        } catch (StatementException e) {
            fail(file, e.getMessage());
            return true;
        }
        List<BankTransaction> selected = settings.entries().select(statement.transactions());
        List<CompletableFuture<Void>> acks = new ArrayList<>(selected.size());
        for (BankTransaction transaction : selected) {
            acks.add(settings.target().publish(transaction.toEvent()));
        }
        try {
            settings.target().awaitAll(acks);
        } catch (TimeoutException | ExecutionException e) {
            health.failed("Kafka did not acknowledge the events of " + file.getFileName() + " within " + settings.target().ackTimeout().toSeconds()
                    + " s; the file is read again at the next poll");
            LOG.warn("Source {}: {}", name, health.lastError());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        published.addAndGet(selected.size());
        move(file, DONE);
        done.incrementAndGet();
        LOG.info("Source {}: {} ({} booked transactions, {} published) moved to {}/", name, file.getFileName(),
                statement.transactions().size(), selected.size(), DONE);
        return true;
    }

    private void fail(Path file, String reason) throws IOException {
        Path moved = move(file, FAILED);
        Files.writeString(moved.resolveSibling(moved.getFileName() + ".reason.txt"), reason + System.lineSeparator(), StandardCharsets.UTF_8);
        failed.incrementAndGet();
        health.failed(file.getFileName() + ": " + reason);
        LOG.warn("Source {}: {} moved to {}/: {}", name, file.getFileName(), FAILED, reason);
    }

    /** Moves a file into a subfolder, keeping an earlier file of the same name. */
    private Path move(Path file, String subfolder) throws IOException {
        Path target = settings.folder().resolve(subfolder).resolve(file.getFileName());
        if (Files.exists(target)) {
            String fileName = file.getFileName().toString();
            int dot = fileName.lastIndexOf('.');
            target = target.resolveSibling(fileName.substring(0, dot) + "-" + clock.millis() + fileName.substring(dot));
        }
        try {
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(file, target);
        }
    }

    @Override
    public Map<String, Object> health() {
        return health.report();
    }

    @Override
    public void close() {
        health.state("closed");
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
