package dev.switchboard.workflows.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** OS-level lock on {@code <dataDir>/embedded-kafka.lock}, held while a broker runs on the directory. */
record DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirLock.class);

    static DataDirLock acquire(Path dataDir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve(EmbeddedKafkaBroker.LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return new DataDirLock(dataDir, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeChannel(channel);
            throw new IllegalStateException("Kafka data directory " + dataDir
                    + " is already used by another running embedded Kafka broker", e);
        } catch (IOException e) {
            closeChannel(channel);
            throw new UncheckedIOException("Cannot lock Kafka data directory " + dataDir, e);
        }
    }

    synchronized void release() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.debug("Could not release lock on {}", dataDir, e);
        } finally {
            closeChannel(channel);
        }
    }

    private static void closeChannel(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Could not close lock file channel", e);
            }
        }
    }
}
