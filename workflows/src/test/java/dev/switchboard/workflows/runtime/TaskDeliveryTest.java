package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class TaskDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeTimer timer = new FakeTimer();
    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void should_dead_letter_without_waiting_past_the_batch_limit_when_the_sink_keeps_failing() throws Exception {
        // given a sink that always asks to retry after 2 s, 100 attempts allowed, and a batch limit of 5 s
        try (TaskDelivery delivery = delivery(new DeliveryResult.Retry("HTTP 503", Duration.ofSeconds(2)), Duration.ofSeconds(5))) {
            // when
            List<ProducerRecord<byte[], byte[]>> out = delivery.deliver(task("t-1"), WaitBudget.start(Duration.ofSeconds(5), timer));

            // then the task is dead-lettered once the next wait would pass the limit, with its receipt
            assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq", "deliveries");
            assertThat(timer.waited()).isLessThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(timer.waits()).hasSize(2).allSatisfy(wait -> assertThat(wait).isEqualTo(Duration.ofSeconds(2)));
            assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Sink 'crm' failed 3 attempts for task t-1"
                    + " (no further attempt: its wait would pass the batch's limit of 5 s): HTTP 503");
        }
    }

    @Test
    void should_make_every_attempt_when_the_waits_fit_in_the_batch() throws Exception {
        // given a sink that always fails, 4 attempts and a generous limit
        try (TaskDelivery delivery = delivery(new DeliveryResult.Retry("HTTP 500", null), Duration.ofMinutes(1))) {
            // when
            List<ProducerRecord<byte[], byte[]>> out = delivery.deliver(task("t-2"), WaitBudget.start(Duration.ofMinutes(1), timer));

            // then
            assertThat(attempts).hasValue(4);
            assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Sink 'crm' failed 4 attempts for task t-2: HTTP 500");
        }
    }

    private TaskDelivery delivery(DeliveryResult answer, Duration limit) {
        int maxAttempts = answer instanceof DeliveryResult.Retry retry && retry.retryAfter() != null ? 100 : 4;
        TaskSink sink = new TaskSink() {
            @Override
            public String name() {
                return "crm";
            }

            @Override
            public DeliveryResult deliver(Task task) {
                attempts.incrementAndGet();
                return answer;
            }
        };
        return new TaskDelivery(new Topics("tasks", "dlq", "deliveries", "review", "audit", "decisions"), Map.of("crm", sink),
                new Retries(RetryPolicy.of(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(10)), limit, timer),
                new StageContext(null, null, () -> true, RunObserver.NONE, Tracing.noop()));
    }

    private static InputRecord task(String id) throws Exception {
        Task task = new Task(id, "wf", "step", "crm", "e-1", "ticket.created", "title", "body", null, null, null, Map.of(), List.of(), null);
        return new InputRecord("tasks", 0, 0, id.getBytes(), JSON.writeValueAsBytes(task));
    }
}
