package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a Salesforce Task sObject per task through the REST API, keyed by an External ID field
 * that holds the Switchboard task id ({@code Switchboard_Task_Id__c} by default).
 *
 * <p>Idempotency comes from that field, in one of two ways ({@code on_redelivery}):
 * {@code keep} (the default) POSTs a new Task with the field set; the field is also Unique, so a
 * second one fails with {@code DUPLICATE_VALUE} on that field, which means delivered, and a
 * redelivered task never touches one that a person has already worked on. {@code overwrite}
 * upserts by the external id ({@code PATCH .../Task/<field>/<task id>}: 201 created, 200 or 204
 * updated), so a redelivery rewrites subject, description, status and dates.
 */
public final class SalesforceTaskSink implements SinkFactory<SalesforceTaskSink.Options> {

    private static final Pattern DUPLICATE_RECORD = Pattern.compile("record with id: ?([A-Za-z0-9]{15,18})");
    private static final Pattern USER_ID = Pattern.compile("005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Documentation(name = "salesforce", summary = "Writes a Salesforce Task (REST API) per task, related to the records in the task's fields; exactly once through an External ID field.",
            description = """
                    Maps `title` → `Subject` (255 characters), `body` → `Description`, the due date → `ActivityDate`,
                    `priority` → `Priority` (low → Low, normal → Normal, high and urgent → High), `owner` → `OwnerId` when it
                    is a user id (005…, else `default_owner_id`), task fields `salesforce_who_id` (a Contact or Lead) →
                    `WhoId` and `salesforce_what_id` (an Account, Opportunity, Case, …) → `WhatId`.

                    Setup, once per org: a custom Task (Activity) text field `Switchboard_Task_Id__c` marked External ID
                    and Unique, an access token for an integration user in `token_env` or `token_file`, and the My Domain
                    host in `outbound.allowed_hosts`. The token is sent as `Authorization: Bearer`; a file is read at each
                    request, so a sidecar that refreshes it needs no restart.
                    """)
    @Example(title = "Tasks in Salesforce, kept as people edit them", yaml = """
            salesforce-tasks:
              salesforce:
                instance_url: https://acme.my.salesforce.com
                token_env: SALESFORCE_ACCESS_TOKEN
                default_owner_id: 005000000000001AAA
            """)
    @Example(title = "Upsert, token refreshed into a file by a sidecar", yaml = """
            salesforce-tasks:
              salesforce:
                instance_url: https://acme.my.salesforce.com
                token_file: /var/run/salesforce/access-token
                api_version: v60.0
                external_id_field: Ops_Task_Key__c
                on_redelivery: overwrite
                status: Not Started
            """)
    public record Options(
            @Option(description = "The org's instance URL (My Domain), e.g. `https://acme.my.salesforce.com`; its host must be in `outbound.allowed_hosts`.", required = true)
            @JsonProperty("instance_url") String instanceUrl,
            @Option(description = "Environment variable holding the OAuth access token.", secret = true)
            @JsonProperty("token_env") String tokenEnv,
            @Option(description = "File holding the OAuth access token (a mounted or refreshed secret), instead of `token_env`; read at each request.", secret = true)
            @JsonProperty("token_file") String tokenFile,
            @Option(description = "REST API version.", defaultValue = "v60.0")
            @JsonProperty("api_version") String apiVersion,
            @Option(description = "The Task External ID field (Unique, for `keep`) that holds the Switchboard task id.", defaultValue = "Switchboard_Task_Id__c")
            @JsonProperty("external_id_field") String externalIdField,
            @Option(description = "What a redelivered task does to the Task already there: `keep` it as people left it, or `overwrite` it (upsert).", defaultValue = "keep", allowed = {"keep", "overwrite"})
            @JsonProperty("on_redelivery") String onRedelivery,
            @Option(description = "`Status` of new Tasks; a value of the org's Task Status picklist.", defaultValue = "Not Started")
            String status,
            @Option(description = "Salesforce user id (005…) for tasks whose owner is not a user id or is missing; without it the integration user owns them.")
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
        List<String> problems = new ArrayList<>(WebhookSink.checkUrl(options.instanceUrl(), "instance_url", environment, Redactor.none()));
        problems.addAll(Secret.check("token", options.tokenEnv(), options.tokenFile(), true, environment.baseDir(), environment::secret));
        if (options.apiVersion() != null && !options.apiVersion().matches("v[0-9]{2,3}\\.0")) {
            problems.add("Invalid API version at api_version: got '" + options.apiVersion() + "', expected the form v60.0");
        }
        if (options.externalIdField() != null && !options.externalIdField().matches("[A-Za-z][A-Za-z0-9_]*__c")) {
            problems.add("Invalid field at external_id_field: got '" + options.externalIdField()
                    + "', expected the API name of a custom field, ending in __c");
        }
        if (options.defaultOwnerId() != null && !USER_ID.matcher(options.defaultOwnerId()).matches()) {
            problems.add("Invalid user id at default_owner_id: got '" + options.defaultOwnerId() + "', expected a Salesforce user id (005…, 15 or 18 characters)");
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        Secret token = Secret.of("token", options.tokenEnv(), options.tokenFile(), environment.baseDir(), environment::secret)
                .orElseThrow(() -> new IllegalStateException("Sink '" + name + "' needs token_env or token_file"));
        return new Sender(name, options, token,
                new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), WebhookSink.timeout(options.timeoutSeconds())));
    }

    /** {@code [{"message":"...","errorCode":"...","fields":[...]}]} → "ERROR_CODE: message; ...". */
    static String errorMessage(String body) {
        JsonNode errors;
        try {
            errors = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return body;
        }
        if (!errors.isArray() || errors.isEmpty()) {
            return body;
        }
        List<String> messages = new ArrayList<>();
        for (JsonNode error : errors) {
            String code = error.path("errorCode").asText("");
            String fields = error.path("fields").isArray() && !error.path("fields").isEmpty() ? " " + error.get("fields") : "";
            messages.add((code.isEmpty() ? "" : code + ": ") + error.path("message").asText("") + fields);
        }
        return String.join("; ", messages);
    }

    private static final class Sender implements TaskSink {
        private final String name;
        private final URI base;
        private final String apiVersion;
        private final String externalIdField;
        private final boolean overwrite;
        private final String status;
        private final String defaultOwnerId;
        private final Secret token;
        private final HttpDelivery http;

        Sender(String name, Options options, Secret token, HttpDelivery http) {
            this.name = name;
            String instance = options.instanceUrl().endsWith("/")
                    ? options.instanceUrl().substring(0, options.instanceUrl().length() - 1) : options.instanceUrl();
            this.base = URI.create(instance);
            this.apiVersion = options.apiVersion() == null ? "v60.0" : options.apiVersion();
            this.externalIdField = options.externalIdField() == null ? "Switchboard_Task_Id__c" : options.externalIdField();
            this.overwrite = "overwrite".equals(options.onRedelivery());
            this.status = options.status() == null ? "Not Started" : options.status();
            this.defaultOwnerId = options.defaultOwnerId();
            this.token = token;
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
                return new DeliveryResult.Retry("Salesforce token from " + token.describe() + " is not available", null);
            }
            Redactor redactor = Redactor.of(accessToken);
            String sobject = base + "/services/data/" + apiVersion + "/sobjects/Task";
            ObjectNode fields = fields(task);
            HttpRequest.Builder request;
            if (overwrite) {
                request = http.request(URI.create(sobject + "/" + externalIdField + "/" + URLEncoder.encode(task.id(), StandardCharsets.UTF_8)))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(fields.toString()));
            } else {
                fields.put(externalIdField, task.id());
                request = http.request(URI.create(sobject)).POST(HttpRequest.BodyPublishers.ofString(fields.toString()));
            }
            request.header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json");
            HttpDelivery.Outcome outcome = http.send(request.build(), redactor);
            if (outcome instanceof HttpDelivery.Failure failure) {
                return failure.result();
            }
            HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
            if (answer.successful()) {
                String id = readQuietly(answer.body()).path("id").asText("");
                String what = answer.status() == 201 ? "created" : "updated";
                return new DeliveryResult.Delivered("Salesforce Task " + (id.isEmpty() ? "" : id + " ") + what + " (HTTP " + answer.status() + ")");
            }
            String errors = errorMessage(answer.body());
            if (answer.status() == 400 && errors.contains("DUPLICATE_VALUE") && errors.contains(externalIdField)) {
                Matcher existing = DUPLICATE_RECORD.matcher(errors);
                return new DeliveryResult.Delivered("Salesforce already has the Task with " + externalIdField + " " + task.id()
                        + (existing.find() ? " (" + existing.group(1) + ")" : ""));
            }
            if (answer.status() == 403 && errors.contains("REQUEST_LIMIT_EXCEEDED")) {
                // the org's API request limit: a later attempt succeeds once the rolling 24-hour window frees up
                return new DeliveryResult.Retry("HTTP 403 from " + HttpDelivery.display(answer.uri(), redactor) + ": "
                        + HttpDelivery.abbreviate(redactor.redact(errors)), HttpDelivery.retryAfter(answer.headers().firstValue("Retry-After")));
            }
            if (answer.status() == 300) {
                return new DeliveryResult.Rejected("HTTP 300 from " + HttpDelivery.display(answer.uri(), redactor) + ": several Tasks have "
                        + externalIdField + " = " + task.id() + ". Mark the field Unique and merge the duplicates");
            }
            return HttpDelivery.result(answer, SalesforceTaskSink::errorMessage, redactor);
        }

        ObjectNode fields(Task task) {
            ObjectNode fields = JSON.createObjectNode();
            fields.put("Subject", TaskMapping.limit(task.title() == null ? "(no title)" : task.title(), 255));
            if (task.body() != null) {
                fields.put("Description", TaskMapping.limit(task.body(), 32000));
            }
            TaskMapping.dueDate(task).ifPresent(date -> fields.put("ActivityDate", date.toString()));
            fields.put("Priority", switch (TaskMapping.priority(task)) {
                case "low" -> "Low";
                case "high", "urgent" -> "High";
                default -> "Normal";
            });
            fields.put("Status", status);
            String owner = task.owner() != null && USER_ID.matcher(task.owner().strip()).matches() ? task.owner().strip() : defaultOwnerId;
            if (owner != null) {
                fields.put("OwnerId", owner);
            }
            TaskMapping.field(task, "salesforce_who_id").ifPresent(id -> fields.put("WhoId", id));
            TaskMapping.field(task, "salesforce_what_id").ifPresent(id -> fields.put("WhatId", id));
            return fields;
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
