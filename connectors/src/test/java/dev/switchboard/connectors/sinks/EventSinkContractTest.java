package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractTaskSinkContractTest;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The sink contract, for tasks published as events: the event id is the task id. */
class EventSinkContractTest extends AbstractTaskSinkContractTest<EventSinkFactory.Options> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RecordingPublisher kafka = new RecordingPublisher();

    @Override
    protected SinkFactory<EventSinkFactory.Options> factory() {
        return new EventSinkFactory();
    }

    @Override
    protected String options() {
        return "type: ticket.labelled\nkey: \"{{ task.fields.label }}\"";
    }

    @Override
    protected SinkEnvironment environment() {
        return new Environment(dir, kafka);
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return kafka.published().stream().map(published -> {
            try {
                return JSON.readTree(published.event()).path("id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Override
    protected void breakDestination() {
        kafka.breakDown();
    }

    /** The event sink names no secret. */
    @Override
    protected Set<String> secrets() {
        return Set.of();
    }

    /** A sink environment with a Kafka. */
    record Environment(Path baseDir, EventPublisher publisher) implements SinkEnvironment {
        @Override
        public Set<String> allowedHosts() {
            return Set.of();
        }

        @Override
        public Optional<String> secret(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<EventPublisher> events() {
            return Optional.of(publisher);
        }
    }
}
