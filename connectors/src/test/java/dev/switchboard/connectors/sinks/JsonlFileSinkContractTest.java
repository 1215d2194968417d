package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for the JSON lines file: the file is its own idempotency record. */
class JsonlFileSinkContractTest extends AbstractTaskSinkContractTest<JsonlFileSinkFactory.Options> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<JsonlFileSinkFactory.Options> factory() {
        return new JsonlFileSinkFactory();
    }

    @Override
    protected String options() {
        return "path: out/tasks.jsonl";
    }

    @Override
    protected SinkEnvironment environment() {
        return SinkTesting.Environment.of(dir, Set.of(), Map.of());
    }

    /** The ids of the lines in the file. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        try {
            return Files.readAllLines(dir.resolve("out/tasks.jsonl")).stream().map(line -> {
                try {
                    return JSON.readTree(line).path("id").asText();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file that can no longer be written: the sink's channel to it is closed, as at shutdown. */
    @Override
    protected void breakDestination() {
        sink.close();
    }

    /** A file sink names no secret. */
    @Override
    protected Set<String> secrets() {
        return Set.of();
    }
}
