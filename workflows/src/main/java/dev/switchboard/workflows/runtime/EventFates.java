package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Where one workflow's events end, and who hears of it: the records of tasks and dead letters (a dead
 * letter logged without quoting a model), the counters by outcome, and the {@link StepListener}s.
 */
final class EventFates {

    /** The header naming the step that made a task: a refused task's dead letter says which. */
    static final String STEP = "switchboard.step";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunner.class);

    private final String workflow;
    private final Topics topics;
    private final List<StepListener> listeners;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    EventFates(String workflow, Topics topics, List<StepListener> listeners) {
        this.workflow = workflow;
        this.topics = topics;
        this.listeners = List.copyOf(listeners);
    }

    void deadLetter(Outputs out, InputRecord input, String step, String reason) {
        out.add(DeadLetters.record(topics.deadLetter(), input, "workflow:" + workflow, step, reason), input);
        count("dead_letters");
        if (LOG.isWarnEnabled()) {
            // The reason may quote a model's answer, which may quote the event: log only what precedes the quote.
            int quote = reason.indexOf(". The model said:");
            String summary = quote < 0 ? reason : reason.substring(0, quote);
            try (var w = MDC.putCloseable("workflow", workflow);
                 var s = MDC.putCloseable("step", step == null ? "" : step);
                 var t = MDC.putCloseable("trace_id", input.traceId());
                 var o = MDC.putCloseable("source", input.topic() + "/" + input.partition() + "/" + input.offset())) {
                LOG.warn("Dead-lettered: {}", summary.length() > 300 ? summary.substring(0, 300) + "…" : summary);
            }
        }
    }

    ProducerRecord<byte[], byte[]> taskRecord(Task task) {
        try {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.tasks(), null,
                    task.id().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(task));
            record.headers().add("switchboard.workflow", workflow.getBytes(StandardCharsets.UTF_8));
            record.headers().add("switchboard.event.id", task.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add(STEP, task.step().getBytes(StandardCharsets.UTF_8));
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A task could not be written as JSON", e);
        }
    }

    void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    void count(String name, long n) {
        counters.merge(name, n, Long::sum);
    }

    Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    /** How much {@code counter} grew since {@code before} (a copy of {@link #counters()}). */
    int delta(Map<String, Long> before, String counter) {
        return (int) (counters.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L));
    }

    void notify(Consumer<StepListener> event) {
        listeners.forEach(event);
    }
}
