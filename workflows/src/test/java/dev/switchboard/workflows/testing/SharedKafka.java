package dev.switchboard.workflows.testing;

import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Kafka broker for every integration test of a test run, closed when the run ends.
 * Tests keep out of each other's way with their own topics and consumer groups.
 */
public final class SharedKafka implements BeforeAllCallback, org.junit.jupiter.api.extension.ParameterResolver {

    /** Injected into test methods and constructors: the shared broker's bootstrap servers. */
    public record Bootstrap(String servers) {
    }

    @Override
    public boolean supportsParameter(org.junit.jupiter.api.extension.ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Bootstrap.class;
    }

    @Override
    public Object resolveParameter(org.junit.jupiter.api.extension.ParameterContext parameter, ExtensionContext context) {
        return new Bootstrap(bootstrapServers(context));
    }


    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafka.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    public static String bootstrapServers(ExtensionContext context) {
        return broker(context).bootstrapServers();
    }

    private static EmbeddedKafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("broker", key -> {
            try {
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                        .dataDir(Files.createTempDirectory("switchboard-it-kafka"))
                        .port(0)
                        .build();
                broker.start();
                return broker;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, EmbeddedKafkaBroker.class);
    }
}
