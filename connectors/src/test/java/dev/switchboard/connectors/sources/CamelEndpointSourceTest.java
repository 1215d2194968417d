package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamelEndpointSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<JsonNode> published = new CopyOnWriteArrayList<>();
    private volatile boolean kafkaDown;

    private SourceEnvironment environment(Set<String> schemes) {
        return new SourceEnvironment() {
            @Override
            public Path baseDir() {
                return dir;
            }

            @Override
            public Path stateDir(String sourceName) {
                return dir.resolve(sourceName);
            }

            @Override
            public Optional<String> secret(String name) {
                return Optional.empty();
            }

            @Override
            public EventPublisher events() {
                return (topic, key, event) -> {
                    if (kafkaDown) {
                        return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
                    }
                    try {
                        published.add(JSON.readTree(event));
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return CompletableFuture.completedFuture(null);
                };
            }

            @Override
            public HttpIngress http() {
                throw new IllegalStateException("not used");
            }

            @Override
            public Set<String> allowedCamelSchemes() {
                return schemes;
            }
        };
    }

    private static CamelEndpointSourceFactory.Options options(String uri) {
        return YamlOptions.bind(CamelEndpointSourceFactory.Options.class, """
                uri: "%s"
                type: ticket.created
                source: /queues/tickets
                ack_timeout_seconds: 5
                """.formatted(uri));
    }

    @Test
    void should_publish_json_bodies_as_event_data_and_text_as_text_when_messages_arrive() throws Exception {
        // given
        CamelEndpointSourceFactory factory = new CamelEndpointSourceFactory();
        try (var source = (CamelEndpointSource) factory.create("queue", options("seda:tickets"), environment(Set.of("seda")))) {
            source.start();
            ProducerTemplate producer = source.camelContext().createProducerTemplate();

            // when
            producer.sendBody("seda:tickets", "{\"ticket_id\":\"7\",\"subject\":\"Hi\",\"body\":\"Help\"}");
            producer.sendBody("seda:tickets", "plain text ${exec:rm -rf /} {{ event.id }}");

            // then
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> published.size() == 2);
            assertThat(published.get(0).path("type").asText()).isEqualTo("ticket.created");
            assertThat(published.get(0).path("data").path("ticket_id").asText()).isEqualTo("7");
            assertThat(published.get(1).path("data").path("text").asText()).isEqualTo("plain text ${exec:rm -rf /} {{ event.id }}");
            assertThat(source.health()).containsEntry("published", 2L);
        }
    }

    @Test
    void should_refuse_scheme_when_it_is_not_allowed_or_is_dangerous() {
        // given
        CamelEndpointSourceFactory factory = new CamelEndpointSourceFactory();

        // when / then
        assertThat(factory.check(options("seda:tickets"), environment(Set.of()))).singleElement()
                .asString().contains("not in outbound.camel_schemes");
        assertThat(factory.check(options("file:/etc?noop=true"), environment(Set.of("file")))).singleElement()
                .asString().contains("Refused Camel scheme 'file'");
        assertThatThrownBy(() -> factory.create("x", options("exec:sh"), environment(Set.of("exec"))))
                .hasMessageContaining("Refused Camel scheme 'exec'");
    }
}
