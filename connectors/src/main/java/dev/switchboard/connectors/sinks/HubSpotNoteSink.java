package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs one HubSpot note (CRM v3 notes API) per task, on the timeline of the records its fields name.
 *
 * <p>As for tasks, HubSpot has no idempotency header: the task id goes into a note property with
 * {@code hasUniqueValue: true}, HubSpot refuses a second note with the same id, and that refusal (409,
 * or 400 "already has that value") means the note is there: delivered. One request per task.
 */
public final class HubSpotNoteSink extends HubSpotObjectSink implements TaskSink {

    static final String PATH = "/crm/v3/objects/notes";
    /** HubSpot's note body limit (docs: "hs_note_body ... limited to 65,536 characters"). */
    static final int MAX_BODY = 65_536;
    /** HubSpot-defined association types from a note (docs: "Associations v4, default association type ids"). */
    static final Map<String, Integer> ASSOCIATIONS = associations();

    private final HubSpotNoteSinkFactory.Options options;

    HubSpotNoteSink(String name, HubSpotNoteSinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, options.baseUrl(), PATH, "note", options.idProperty(), token, http);
        this.options = options;
    }

    private static Map<String, Integer> associations() {
        Map<String, Integer> types = new LinkedHashMap<>();
        types.put("hubspot_contact_id", 202);
        types.put("hubspot_company_id", 190);
        types.put("hubspot_deal_id", 214);
        types.put("hubspot_ticket_id", 228);
        return java.util.Collections.unmodifiableMap(types);
    }

    @Override
    ObjectNode body(Task task) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        // the note sits on the timeline where its event happened (the task's createdAt is the event's time)
        properties.put("hs_timestamp", TaskMapping.createdAt(task).toString());
        properties.put("hs_note_body", noteBody(task));
        String owner = HubSpotAnswers.owner(task, options.defaultOwnerId());
        if (owner != null) {
            properties.put("hubspot_owner_id", owner);
        }
        properties.put(options.idProperty(), task.id());
        ArrayNode associations = body.putArray("associations");
        ASSOCIATIONS.forEach((field, type) -> TaskMapping.field(task, field).ifPresent(id -> {
            ObjectNode association = associations.addObject();
            association.putObject("to").put("id", id);
            association.putArray("types").addObject().put("associationCategory", "HUBSPOT_DEFINED").put("associationTypeId", type);
        }));
        return body;
    }

    /** The title in bold, then the body, as escaped HTML within HubSpot's limit; a long body is cut, never an entity. */
    static String noteBody(Task task) {
        String title = "<p><strong>" + TaskMapping.html(task.title() == null ? "(no title)" : task.title()) + "</strong></p>";
        String body = TaskMapping.html(task.body());
        String html = title + (body.isEmpty() ? "" : "<p>" + body + "</p>");
        if (html.length() <= MAX_BODY) {
            return html;
        }
        int end = MAX_BODY - "…</p>".length();
        int entity = html.lastIndexOf('&', end);
        int tag = html.lastIndexOf('<', end);
        // never cut inside an entity (&amp;) or a tag (<br>)
        if (entity > html.lastIndexOf(';', end - 1) && entity >= 0) {
            end = entity;
        }
        if (tag > html.lastIndexOf('>', end - 1) && tag >= 0) {
            end = Math.min(end, tag);
        }
        return html.substring(0, end) + "…</p>";
    }
}
