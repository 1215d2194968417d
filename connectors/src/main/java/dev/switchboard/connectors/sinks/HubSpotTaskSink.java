package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.List;
import java.util.Map;

/**
 * Creates one HubSpot task (CRM v3 objects API) per task, with its associations.
 *
 * <p>HubSpot has no idempotency header. The task id goes into a custom task property that has
 * {@code hasUniqueValue: true} ({@code switchboard_task_id} by default); HubSpot then refuses a
 * second task with the same id, and that refusal (409, or 400 "already has that value") means the
 * task is there: delivered. One request per task, no search (whose index lags and whose rate limit
 * is lower), and no window in which two replicas both create it.
 */
public final class HubSpotTaskSink extends HubSpotObjectSink implements TaskSink {

    static final String PATH = "/crm/v3/objects/tasks";
    /** HubSpot-defined association types from a task (docs: "Associations v4, default association type ids"). */
    static final Map<String, Integer> ASSOCIATIONS = Map.of(
            "hubspot_contact_id", 204,
            "hubspot_company_id", 192,
            "hubspot_deal_id", 216,
            "hubspot_ticket_id", 230);
    private static final List<String> ASSOCIATION_ORDER = List.of("hubspot_contact_id", "hubspot_company_id", "hubspot_deal_id", "hubspot_ticket_id");

    private final HubSpotTaskSinkFactory.Options options;

    HubSpotTaskSink(String name, HubSpotTaskSinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, options.baseUrl(), PATH, "task", options.idProperty(), token, http);
        this.options = options;
    }

    @Override
    ObjectNode body(Task task) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put("hs_task_subject", task.title() == null ? "(no title)" : task.title());
        properties.put("hs_task_body", TaskMapping.html(task.body()));
        properties.put("hs_timestamp", TaskMapping.dueInstant(task).orElseGet(() -> TaskMapping.createdAt(task)).toString());
        properties.put("hs_task_priority", switch (TaskMapping.priority(task)) {
            case "low" -> "LOW";
            case "high", "urgent" -> "HIGH";
            default -> "MEDIUM";
        });
        properties.put("hs_task_status", "NOT_STARTED");
        properties.put("hs_task_type", options.taskType());
        String owner = HubSpotAnswers.owner(task, options.defaultOwnerId());
        if (owner != null) {
            properties.put("hubspot_owner_id", owner);
        }
        properties.put(options.idProperty(), task.id());
        ArrayNode associations = body.putArray("associations");
        for (String field : ASSOCIATION_ORDER) {
            TaskMapping.field(task, field).ifPresent(id -> {
                ObjectNode association = associations.addObject();
                association.putObject("to").put("id", id);
                association.putArray("types").addObject()
                        .put("associationCategory", "HUBSPOT_DEFINED")
                        .put("associationTypeId", ASSOCIATIONS.get(field));
            });
        }
        return body;
    }
}
