package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Appends each task as one JSON line to a local file. The file is its own idempotency record: ids
 * already in it are skipped, so a redelivered task is written once.
 */
public final class JsonlFileSink implements TaskSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final FileChannel channel;
    private final Set<String> written = new HashSet<>();

    JsonlFileSink(String name, Path file) {
        this.name = name;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            boolean endsWithNewline = true;
            if (Files.exists(file)) {
                // lenient decoding: a crash may also cut a line inside a multi-byte character
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isBlank()) {
                            try {
                                JsonNode node = JSON.readTree(line);
                                written.add(node.path("id").asText());
                            } catch (JsonProcessingException torn) {
                                // a line cut short by a crash mid-write: that task was not written, so it may be again
                            }
                        }
                    }
                }
                try (SeekableByteChannel in = Files.newByteChannel(file)) {
                    if (in.size() > 0) {
                        ByteBuffer last = ByteBuffer.allocate(1);
                        in.position(in.size() - 1).read(last);
                        endsWithNewline = last.get(0) == '\n';
                    }
                }
            }
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (!endsWithNewline) {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'})); // start the next task on a line of its own
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open task file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized DeliveryResult deliver(Task task) {
        if (written.contains(task.id())) {
            return new DeliveryResult.Delivered("already in file");
        }
        try {
            byte[] line = (JSON.writeValueAsString(task) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            written.add(task.id());
            return new DeliveryResult.Delivered("appended");
        } catch (IOException e) {
            return new DeliveryResult.Retry("Cannot write task file: " + e.getMessage(), null);
        }
    }

    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
