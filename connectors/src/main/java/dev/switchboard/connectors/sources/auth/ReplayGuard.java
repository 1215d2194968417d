package dev.switchboard.connectors.sources.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the ids of accepted webhook deliveries until their timestamp leaves the tolerance
 * window (after which the timestamp check refuses them anyway), so a captured request cannot be
 * replayed. An id is first <em>reserved</em> while its request is processed, and only remembered
 * once the event is in Kafka: a delivery that fails (503) must stay retryable under the same id.
 *
 * <p>Ids are kept in memory and appended to a small file (one {@code expiry sha256(id)} line each,
 * flushed to disk), so a restart within the window still refuses replays. The file is rewritten
 * without expired lines when it has grown to several times the live set.
 */
public final class ReplayGuard implements AutoCloseable {

    /** A claim on an id while its request is processed. */
    public interface Reservation {
        /** The event is in Kafka: remember the id. */
        void commit();

        /** The request failed: forget the claim so that the sender's retry is accepted. */
        void release();

        Reservation NONE = new Reservation() {
            @Override
            public void commit() {
            }

            @Override
            public void release() {
            }
        };
    }

    private static final int COMPACT_MIN_LINES = 1_000;

    private final Path file;
    private final Clock clock;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private FileChannel channel;
    private int lines;
    private long remembered;

    private ReplayGuard(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Remembers ids in memory only (tests, or a source that accepts replays being caught only per process). */
    public static ReplayGuard inMemory(Clock clock) {
        return new ReplayGuard(null, clock);
    }

    /** Remembers ids in memory and in {@code file}, loading what an earlier run left there. */
    public static ReplayGuard durable(Path file, Clock clock) {
        ReplayGuard guard = new ReplayGuard(file, clock);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            long now = clock.instant().getEpochSecond();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    int space = line.indexOf(' ');
                    if (space <= 0) {
                        continue; // a line cut short by a crash
                    }
                    try {
                        long expiry = Long.parseLong(line.substring(0, space));
                        if (expiry > now) {
                            guard.seen.put(line.substring(space + 1), expiry);
                        }
                    } catch (NumberFormatException e) {
                        // a torn line; the ids around it still count
                    }
                }
            }
            guard.rewrite();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use replay-protection file " + file + ": " + e.getMessage(), e);
        }
        return guard;
    }

    /**
     * Claims {@code id} until {@code expiresAt}; empty when it was already accepted, or is being
     * processed right now by another request.
     */
    public java.util.Optional<Reservation> reserve(String id, Instant expiresAt) {
        String key = digest(id);
        Long expiry = seen.get(key);
        long now = clock.instant().getEpochSecond();
        if (expiry != null && expiry > now) {
            return java.util.Optional.empty();
        }
        if (!inFlight.add(key)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Reservation() {
            private boolean done;

            @Override
            public synchronized void commit() {
                if (!done) {
                    done = true;
                    remember(key, expiresAt.getEpochSecond());
                    inFlight.remove(key);
                }
            }

            @Override
            public synchronized void release() {
                if (!done) {
                    done = true;
                    inFlight.remove(key);
                }
            }
        });
    }

    /** How many ids are remembered now (expired ones included until the next compaction). */
    public int size() {
        return seen.size();
    }

    private synchronized void remember(String key, long expiry) {
        seen.put(key, expiry);
        if (++remembered % COMPACT_MIN_LINES == 0) {
            long now = clock.instant().getEpochSecond();
            seen.entrySet().removeIf(entry -> entry.getValue() <= now);
        }
        if (channel == null) {
            return;
        }
        try {
            channel.write(ByteBuffer.wrap((expiry + " " + key + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
            lines++;
            if (lines >= COMPACT_MIN_LINES && lines > 2 * seen.size()) {
                rewrite();
            }
        } catch (IOException e) {
            // Memory still refuses the replay; only a restart within the window would miss this id.
            throw new UncheckedIOException("Cannot write replay-protection file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Drops expired ids and rewrites the file with the live ones, atomically. */
    private synchronized void rewrite() throws IOException {
        long now = clock.instant().getEpochSecond();
        seen.entrySet().removeIf(entry -> entry.getValue() <= now);
        if (file == null) {
            return;
        }
        if (channel != null) {
            channel.close();
        }
        StringBuilder text = new StringBuilder();
        List<Map.Entry<String, Long>> live = List.copyOf(seen.entrySet());
        live.forEach(entry -> text.append(entry.getValue()).append(' ').append(entry.getKey()).append('\n'));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        lines = live.size();
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static String digest(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing is lost: every line was forced to disk when written
            }
            channel = null;
        }
    }
}
