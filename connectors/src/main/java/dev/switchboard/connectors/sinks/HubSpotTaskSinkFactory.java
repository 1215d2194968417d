package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a HubSpot task per Switchboard task with the CRM v3 objects API, associated with the
 * contact, company, deal or ticket named in the task's fields.
 *
 * <p>HubSpot has no idempotency header. The task id goes into a custom task property that has
 * {@code hasUniqueValue: true} ({@code switchboard_task_id} by default); HubSpot then refuses a
 * second task with the same id, and that refusal (409, or 400 "already has that value") means the
 * task is there: delivered. One request per task, no search (whose index lags and whose rate limit
 * is lower), and no window in which two replicas both create it.
 */
public final class HubSpotTaskSink implements SinkFactory<HubSpotTaskSink.Options> {

    static final String PATH = "/crm/v3/objects/tasks";
    /** HubSpot-defined association types from a task (docs: "Associations v4, default association type ids"). */
    static final Map<String, Integer> ASSOCIATIONS = Map.of(
            "hubspot_contact_id", 204,
            "hubspot_company_id", 192,
            "hubspot_deal_id", 216,
            "hubspot_ticket_id", 230);
    private static final List<String> ASSOCIATION_ORDER = List.of("hubspot_contact_id", "hubspot_company_id", "hubspot_deal_id", "hubspot_ticket_id");
    private static final Pattern EXISTING_ID = Pattern.compile("Existing ID: ?([0-9]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Documentation(name = "hubspot", summary = "Creates a HubSpot task (CRM v3) per task, associated with the contact, company, deal or ticket in the task's fields; exactly once through a unique task property.",
            description = """
                    Maps `title` → `hs_task_subject`, `body` → `hs_task_body` (escaped HTML), due date → `hs_timestamp`
                    (a date alone becomes 12:00 UTC; no due date: the task's creation time), `priority` → `hs_task_priority`
                    (low → LOW, normal → MEDIUM, high and urgent → HIGH), `owner` → `hubspot_owner_id` when it is a numeric
                    owner id (else `default_owner_id`). Task fields `hubspot_contact_id`, `hubspot_company_id`,
                    `hubspot_deal_id` and `hubspot_ticket_id` become associations (type ids 204, 192, 216, 230).

                    Setup, once per portal: a private app allowed to write tasks (the scopes the tasks API lists), its
                    token in `token_env` or `token_file`, and a unique task property for the task id:
                    `POST /crm/v3/properties/tasks` with `{"name": "switchboard_task_id", "label": "Switchboard task id",
                    "type": "string", "fieldType": "text", "groupName": "task_information", "hasUniqueValue": true}`.
                    Add `api.hubapi.com` to `outbound.allowed_hosts`.
                    """)
    @Example(title = "Tasks for the lead's owner in HubSpot", yaml = """
            hubspot-tasks:
              hubspot:
                token_env: HUBSPOT_PRIVATE_APP_TOKEN
                task_type: TODO
                default_owner_id: "64492917"
            """)
    @Example(title = "Token from a mounted secret, own id property", yaml = """
            hubspot-tasks:
              hubspot:
                token_file: /run/secrets/hubspot-token
                id_property: ops_automation_task_id
                timeout_seconds: 15
            """)
    public record Options(
            @Option(description = "Environment variable holding the private app access token (sent as `Authorization: Bearer`).", secret = true)
            @JsonProperty("token_env") String tokenEnv,
            @Option(description = "File holding the private app access token (a mounted secret), instead of `token_env`; read at each request.", secret = true)
            @JsonProperty("token_file") String tokenFile,
            @Option(description = "HubSpot API base URL; its host must be in `outbound.allowed_hosts`.", defaultValue = "https://api.hubapi.com")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "The unique (`hasUniqueValue`) task property that holds the Switchboard task id and makes delivery idempotent.", defaultValue = "switchboard_task_id")
            @JsonProperty("id_property") String idProperty,
            @Option(description = "HubSpot task type (`hs_task_type`).", defaultValue = "TODO", allowed = {"TODO", "CALL", "EMAIL"})
            @JsonProperty("task_type") String taskType,
            @Option(description = "HubSpot owner id for tasks whose owner is not a numeric owner id (an email, say) or is missing.")
            @JsonProperty("default_owner_id") String defaultOwnerId,
            @Option(description = "Timeout of one request, in seconds.", defaultValue = "10", minimum = 1, maximum = 300)
            @JsonProperty("timeout_seconds") Integer timeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>(WebhookSink.checkUrl(baseUrl(options) + PATH, "base_url", environment, Redactor.none()));
        problems.addAll(Secret.check("token", options.tokenEnv(), options.tokenFile(), true, environment.baseDir(), environment::secret));
        if (options.idProperty() != null && !options.idProperty().matches("[a-z][a-z0-9_]*")) {
            problems.add("Invalid property name at id_property: got '" + options.idProperty()
                    + "', expected a HubSpot internal name (lower case letters, digits, underscores)");
        }
        if (options.defaultOwnerId() != null && !options.defaultOwnerId().matches("[0-9]+")) {
            problems.add("Invalid owner id at default_owner_id: got '" + options.defaultOwnerId() + "', expected a numeric HubSpot owner id");
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        Secret token = Secret.of("token", options.tokenEnv(), options.tokenFile(), environment.baseDir(), environment::secret)
                .orElseThrow(() -> new IllegalStateException("Sink '" + name + "' needs token_env or token_file"));
        return new Sender(name, URI.create(baseUrl(options) + PATH), token, options,
                new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), WebhookSink.timeout(options.timeoutSeconds())));
    }

    private static String baseUrl(Options options) {
        String base = options.baseUrl() == null ? "https://api.hubapi.com" : options.baseUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** {@code {"status":"error","message":"...","correlationId":"...","category":"..."}} → message, category and correlation id. */
    static String errorMessage(String body) {
        JsonNode error = readTree(body);
        String message = error.path("message").asText("");
        if (message.isEmpty()) {
            return body;
        }
        StringBuilder out = new StringBuilder(message);
        if (error.hasNonNull("category")) {
            out.append(" [").append(error.get("category").asText()).append(']');
        }
        if (error.hasNonNull("correlationId")) {
            out.append(" (correlationId ").append(error.get("correlationId").asText()).append(')');
        }
        return out.toString();
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    private static final class Sender implements TaskSink {
        private final String name;
        private final URI uri;
        private final Secret token;
        private final String idProperty;
        private final String taskType;
        private final String defaultOwnerId;
        private final HttpDelivery http;

        Sender(String name, URI uri, Secret token, Options options, HttpDelivery http) {
            this.name = name;
            this.uri = uri;
            this.token = token;
            this.idProperty = options.idProperty() == null ? "switchboard_task_id" : options.idProperty();
            this.taskType = options.taskType() == null ? "TODO" : options.taskType();
            this.defaultOwnerId = options.defaultOwnerId();
            this.http = http;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(Task task) {
            String accessToken = token.value().orElse(null);
            if (accessToken == null) {
                return new DeliveryResult.Retry("HubSpot token from " + token.describe() + " is not available", null);
            }
            Redactor redactor = Redactor.of(accessToken);
            HttpRequest request = http.request(uri)
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(task).toString()))
                    .build();
            HttpDelivery.Outcome outcome = http.send(request, redactor);
            if (outcome instanceof HttpDelivery.Failure failure) {
                return failure.result();
            }
            HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
            if (answer.successful()) {
                String id = readQuietly(answer.body()).path("id").asText("");
                return new DeliveryResult.Delivered("HubSpot task " + (id.isEmpty() ? "created" : id) + " (HTTP " + answer.status() + ")");
            }
            if (duplicate(answer)) {
                Matcher existing = EXISTING_ID.matcher(answer.body());
                return new DeliveryResult.Delivered("HubSpot already has the task with " + idProperty + " " + task.id()
                        + (existing.find() ? " (task " + existing.group(1) + ")" : "") + " (HTTP " + answer.status() + ")");
            }
            return HttpDelivery.result(answer, HubSpotTaskSink::errorMessage, redactor);
        }

        /** The unique id property refused a second task with this id: 409 CONFLICT, or 400 "already has that value". */
        private boolean duplicate(HttpDelivery.Answer answer) {
            if (answer.status() == 409) {
                return true;
            }
            if (answer.status() != 400) {
                return false;
            }
            JsonNode error = readQuietly(answer.body());
            String text = error.path("message").asText("") + " " + error.path("errors").toString();
            return text.contains("already has that value") && text.contains(idProperty);
        }

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
            properties.put("hs_task_type", taskType);
            String owner = task.owner() != null && task.owner().strip().matches("[0-9]+") ? task.owner().strip() : defaultOwnerId;
            if (owner != null) {
                properties.put("hubspot_owner_id", owner);
            }
            properties.put(idProperty, task.id());
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

        private static JsonNode readQuietly(String body) {
            try {
                return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return JSON.missingNode();
            }
        }
    }
}
