package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.TaskSink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a task as a structured CloudEvent and waits for Kafka's acknowledgement. The event's id
 * is the task id, so every delivery of a task is the same event; its data is checked
 * by the engine's {@link EventParser} before it is published, so a consumer never reads an event
 * that fails its type's schema.
 */
record EventSink(String name, String type, String topic, String dataField, TaskTemplate key, TaskTemplate subject, String source,
                 EventPublisher publisher, Duration ackTimeout) implements TaskSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    // immutable once its schemas are loaded, so every sink shares one
    private static final EventParser PARSER = new EventParser();

    @Override
    public DeliveryResult deliver(Task task) {
        JsonNode data;
        try {
            data = data(task);
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Rejected("Task field '" + dataField + "' of task " + task.id() + " is not JSON: "
                    + e.getOriginalMessage() + ". Render a step's output there, e.g. " + dataField + ": \"{{ steps.<id>.<field> }}\"");
        }
        if (!data.isObject()) {
            return new DeliveryResult.Rejected("Task field '" + dataField + "' of task " + task.id() + " holds " + data.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT) + ", expected a JSON object for the event's data");
        }
        // the task's own id: every delivery of the task is the same event
        String id = task.id();
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", source != null ? source : "/switchboard/workflows/" + task.workflow());
        event.put("type", type);
        String rendered = subject == null ? "" : subject.render(task, value -> value).strip();
        if (!rendered.isEmpty()) {
            event.put("subject", rendered);
        }
        if (task.createdAt() != null) {
            event.put("time", task.createdAt());
        }
        event.put("datacontenttype", "application/json");
        event.set("data", data);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Rejected("The event for task " + task.id() + " cannot be written: " + e.getOriginalMessage());
        }
        if (PARSER.parse(bytes) instanceof EventParser.Rejected rejected) {
            return new DeliveryResult.Rejected("The " + type + " event for task " + task.id() + " is invalid: " + rejected.reason());
        }
        String kafkaKey = key == null ? task.eventId() : key.render(task, value -> value).strip();
        try {
            publisher.publish(topic, kafkaKey == null || kafkaKey.isEmpty() ? null : kafkaKey, bytes)
                    .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new DeliveryResult.Delivered("Published " + type + " " + id + " to " + topic);
        } catch (TimeoutException e) {
            return new DeliveryResult.Retry("Kafka did not acknowledge " + type + " " + id + " within " + ackTimeout.toSeconds() + " s", null);
        } catch (ExecutionException e) {
            return new DeliveryResult.Retry("Kafka refused " + type + " " + id + ": " + e.getCause().getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retry("Interrupted while publishing " + type + " " + id, null);
        }
    }

    private JsonNode data(Task task) throws JsonProcessingException {
        if (dataField == null) {
            return JSON.valueToTree(task.fields());
        }
        Object value = task.fields().get(dataField);
        if (value == null) {
            return JSON.nullNode();
        }
        return value instanceof String text ? JSON.readTree(text) : JSON.valueToTree(value);
    }
}
