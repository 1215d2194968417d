package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A sink environment and tasks for sink tests. */
final class SinkTesting {

    private SinkTesting() {
    }

    /** Allowed hosts, secrets by variable name and Camel schemes, relative to {@code baseDir}. */
    record Environment(Path baseDir, Set<String> allowedHosts, Map<String, String> secrets, Set<String> allowedCamelSchemes)
            implements SinkEnvironment {

        static Environment of(Path baseDir, Set<String> allowedHosts, Map<String, String> secrets) {
            return new Environment(baseDir, allowedHosts, secrets, Set.of());
        }

        @Override
        public Optional<String> secret(String name) {
            return Optional.ofNullable(secrets.get(name));
        }
    }

    /** A task as the classify-then-task workflow makes it; {@code fields} adds to label and confidence. */
    static Task task(String eventId, Map<String, Object> fields) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(Map.of("label", "billing", "confidence", 0.92));
        all.putAll(fields);
        return new Task(Task.idFor("ticket-triage", "/test", eventId, "create-task"), "ticket-triage", "create-task", "crm",
                eventId, "ticket.created", "Refund request for order 1234",
                "Customer asks for a refund.\nOrder <1234> — \"ünïcödé\" & more", "high", "2026-11-03",
                null, all, null, "2026-11-02T09:00:00Z");
    }

    static Task task(String eventId) {
        return task(eventId, Map.of());
    }

    static Task withOwner(Task task, String owner) {
        return new Task(task.id(), task.workflow(), task.step(), task.sink(), task.eventId(), task.eventType(), task.title(),
                task.body(), task.priority(), task.dueDate(), owner, task.fields(), task.lineage(), task.createdAt());
    }

    /** The task with more fields, as a task step that sets them makes it. */
    static Task withFields(Task task, Map<String, Object> fields) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(task.fields());
        all.putAll(fields);
        return new Task(task.id(), task.workflow(), task.step(), task.sink(), task.eventId(), task.eventType(), task.title(),
                task.body(), task.priority(), task.dueDate(), task.owner(), all, task.lineage(), task.createdAt());
    }

    static Task withDue(Task task, String dueDate, String priority) {
        return new Task(task.id(), task.workflow(), task.step(), task.sink(), task.eventId(), task.eventType(), task.title(),
                task.body(), priority, dueDate, task.owner(), task.fields(), task.lineage(), task.createdAt());
    }
}
