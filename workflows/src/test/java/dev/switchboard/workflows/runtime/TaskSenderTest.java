package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.testing.CapturedLogs;
import dev.switchboard.workflows.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** One attempt and its consequence: a receipt, a record on a retry topic, or a dead letter with its log line. Never a wait. */
class TaskSenderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void should_hold_the_task_on_a_retry_topic_until_its_retry_after_when_the_sink_asks_to_retry() throws Exception {
        // given a sink that asks to retry after 2 s, and a policy whose own wait is shorter
        TaskSender sender = sender(new DeliveryResult.Retry("HTTP 429", Duration.ofSeconds(2)), RetryPolicy.schedule(
                List.of(Duration.ofMillis(100)), 5, Duration.ofHours(1)));

        // when
        List<ProducerRecord<byte[], byte[]>> out = sender.attempt(task("t-1"), 1);

        // then one attempt, nothing waited for, and the task on the 1 s retry topic, due when the sink asked
        assertThat(attempts).hasValue(1);
        assertThat(out).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("tasks.retry.1s");
            assertThat(record.key()).isEqualTo("t-1".getBytes(StandardCharsets.UTF_8));
            RetryTopics.Pending pending = RetryTopics.read(new InputRecord(record.topic(), 0, 0, record.key(), record.value(), record.headers()));
            assertThat(pending.attempts()).isEqualTo(1);
            assertThat(pending.due()).isEqualTo(NOW.plusSeconds(2));
            assertThat(pending.hopDue()).isEqualTo(NOW.plusSeconds(1));
            assertThat(pending.lastError()).isEqualTo("HTTP 429");
            assertThat(pending.origin().topic()).isEqualTo("tasks");
            assertThat(pending.origin().offset()).isEqualTo(41);
        });
    }

    @Test
    void should_dead_letter_with_the_reason_and_log_one_line_when_the_last_attempt_fails() throws Exception {
        // given a sink that always fails and four attempts
        TaskSender sender = sender(new DeliveryResult.Retry("HTTP 500", null), RetryPolicy.schedule(List.of(Duration.ofSeconds(5)), 4,
                Duration.ofSeconds(5)));

        // when the fourth attempt fails
        List<ProducerRecord<byte[], byte[]>> out;
        try (CapturedLogs logs = new CapturedLogs()) {
            out = sender.attempt(task("t-2"), 4);

            // then the dead letter and its receipt, and a log line that names sink, task, attempts and error
            assertThat(logs.lines()).filteredOn(line -> line.contains("Dead-lettered delivery")).singleElement().asString()
                    .contains("WARN", "sink crm, task t-2, 4 attempt(s): Sink 'crm' failed 4 attempts for task t-2: HTTP 500");
        }
        assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq", "deliveries");
        assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Sink 'crm' failed 4 attempts for task t-2: HTTP 500");
        assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("tasks");
        assertThat(JSON.readTree(out.get(1).value()).path("attempts").asInt()).isEqualTo(4);
    }

    @Test
    void should_hop_through_the_retry_topics_when_the_wait_is_longer_than_the_longest_delay() {
        // given
        RetryTopics topics = new RetryTopics("tasks");
        InputRecord origin = new InputRecord("tasks", 2, 7, "k".getBytes(), "{}".getBytes(), new RecordHeaders());

        // when a task is due in 5 hours, in 20 ms, and in 7 minutes
        ProducerRecord<byte[], byte[]> hours = topics.hold(origin, 5, NOW.plus(Duration.ofHours(5)), "x", NOW);
        ProducerRecord<byte[], byte[]> soon = topics.hold(origin, 1, NOW.plusMillis(20), "x", NOW);
        ProducerRecord<byte[], byte[]> minutes = topics.hold(origin, 2, NOW.plus(Duration.ofMinutes(7)), "x", NOW);

        // then each waits on the longest delay that does not pass its due time (the shortest for less than that)
        assertThat(hours.topic()).isEqualTo("tasks.retry.2h");
        assertThat(DeadLetters.header(hours.headers(), RetryTopics.HOP_DUE)).isEqualTo(Long.toString(NOW.plus(Duration.ofHours(2)).toEpochMilli()));
        assertThat(soon.topic()).isEqualTo("tasks.retry.1s");
        assertThat(DeadLetters.header(soon.headers(), RetryTopics.HOP_DUE)).isEqualTo(Long.toString(NOW.plusMillis(20).toEpochMilli()));
        assertThat(minutes.topic()).isEqualTo("tasks.retry.5m");
        assertThat(topics.all()).containsExactly("tasks.retry.1s", "tasks.retry.5s", "tasks.retry.30s", "tasks.retry.5m",
                "tasks.retry.30m", "tasks.retry.2h");
    }

    @Test
    void should_dead_letter_at_once_without_a_retry_when_the_sink_rejects_the_task() throws Exception {
        // given
        TaskSender sender = sender(new DeliveryResult.Rejected("HTTP 400: bad owner"), RetryPolicy.schedule(List.of(Duration.ofSeconds(5)), 8,
                Duration.ofSeconds(5)));

        // when
        List<ProducerRecord<byte[], byte[]>> out = sender.attempt(task("t-3"), 1);

        // then
        assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq", "deliveries");
        assertThat(sender.counters()).containsEntry("dead_letters", 1L).doesNotContainKey("retries");
    }

    private TaskSender sender(DeliveryResult answer, RetryPolicy policy) {
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
        return new TaskSender(new Topics("tasks", "dlq", "deliveries", "review", "audit"), Map.of("crm", sink), name -> policy,
                new StageContext(null, null, () -> true, RunObserver.NONE, Tracing.noop()), clock);
    }

    private static InputRecord task(String id) throws Exception {
        Task task = new Task(id, "wf", "step", "crm", "e-1", "ticket.created", "title", "body", null, null, null, Map.of(), List.of(), null);
        return new InputRecord("tasks", 0, 41, id.getBytes(), JSON.writeValueAsBytes(task));
    }
}
