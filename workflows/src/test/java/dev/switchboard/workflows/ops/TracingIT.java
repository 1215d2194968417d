package dev.switchboard.workflows.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One trace from ingest to delivered task, with a span per step, over the real broker. */
@ExtendWith(SharedKafka.class)
class TracingIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @Test
    void should_keep_one_trace_id_from_ingest_to_delivery_when_event_carries_traceparent(SharedKafka.Bootstrap kafka) throws Exception {
        // given an engine exporting spans to memory
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        try (TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("wf.yaml"), """
                    name: traced-%s
                    on:
                      topic: traced.events.%s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: check
                        when: "event.data.subject != ''"
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                    """.formatted(suffix, suffix));
            var config = EngineConfigLoader.standard().parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: traced.tasks.%s
                      dead_letter: traced.dlq.%s
                      deliveries: traced.deliveries.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    """.formatted(kafka.servers(), suffix, suffix, suffix, receiver.url(), receiver.hostAndPort()), dir);
            try (Engine engine = Engine.builder(config.config()).secrets(name -> Optional.empty()).openTelemetry(sdk).build()) {
                WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
                engine.start(List.of(workflow.workflow()));

                // when an event arrives with a W3C traceparent header
                Properties properties = new Properties();
                properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.servers());
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("traced.events." + suffix, null,
                            ("{\"specversion\":\"1.0\",\"id\":\"t-1\",\"source\":\"/it\",\"type\":\"ticket.created\","
                                    + "\"data\":{\"ticket_id\":\"1\",\"subject\":\"Traced\",\"body\":\"b\"}}").getBytes(StandardCharsets.UTF_8));
                    record.headers().add("traceparent", ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
                    producer.send(record).get();
                }

                // then the task is delivered and every span of its way belongs to the same trace
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                        .anyMatch(span -> span.getName().startsWith("deliver ")));
                List<SpanData> finished = spans.getFinishedSpanItems();
                Set<String> names = finished.stream().map(SpanData::getName).collect(Collectors.toSet());
                assertThat(names).contains("workflow traced-" + suffix, "step check", "deliver receiver");
                assertThat(finished).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
                SpanData workflowSpan = finished.stream().filter(s -> s.getName().startsWith("workflow ")).findFirst().orElseThrow();
                SpanData stepSpan = finished.stream().filter(s -> s.getName().equals("step check")).findFirst().orElseThrow();
                assertThat(stepSpan.getParentSpanId()).isEqualTo(workflowSpan.getSpanId());
                assertThat(workflowSpan.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            }
        }
        sdk.close();
        assertThat(Map.of()).isEmpty();
    }
}
