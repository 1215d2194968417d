package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes one Salesforce Task sObject per task, keyed by an External ID field that holds the task id.
 *
 * <p>Idempotency comes from that field, in one of two ways ({@code on_redelivery}):
 * {@code keep} (the default) POSTs a new Task with the field set; the field is also Unique, so a
 * second one fails with {@code DUPLICATE_VALUE} on that field, which means delivered, and a
 * redelivered task never touches one that a person has already worked on. {@code overwrite}
 * upserts by the external id ({@code PATCH .../Task/<field>/<task id>}: 201 created, 200 or 204
 * updated), so a redelivery rewrites subject, description, status and dates.
 */
public final class SalesforceTaskSink extends HttpTaskSink implements TaskSink {

    static final Pattern USER_ID = Pattern.compile("005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");
    private static final Pattern DUPLICATE_RECORD = Pattern.compile("record with id: ?([A-Za-z0-9]{15,18})");

    private final String sobject;
    private final SalesforceTaskSinkFactory.Options options;

    SalesforceTaskSink(String name, SalesforceTaskSinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, Optional.of(new Credential("Salesforce token", token)), Redactor.none(), http);
        this.sobject = base(options.instanceUrl()) + "/services/data/" + options.apiVersion() + "/sobjects/Task";
        this.options = options;
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        ObjectNode fields = fields(task);
        HttpRequest.Builder request;
        if ("overwrite".equals(options.onRedelivery())) {
            request = http.request(URI.create(sobject + "/" + options.externalIdField() + "/" + URLEncoder.encode(task.id(), StandardCharsets.UTF_8)))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(fields.toString()));
        } else {
            fields.put(options.externalIdField(), task.id());
            request = http.request(URI.create(sobject)).POST(HttpRequest.BodyPublishers.ofString(fields.toString()));
        }
        return new Send(request.header("Authorization", "Bearer " + call.credential())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .build());
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        String id = json(answer.body()).path("id").asText("");
        String what = answer.status() == 201 ? "created" : "updated";
        return "Salesforce Task " + (id.isEmpty() ? "" : id + " ") + what + " (HTTP " + answer.status() + ")";
    }

    /** The Unique external id refused a second Task: {@code DUPLICATE_VALUE} on that field. */
    @Override
    protected Optional<String> alreadyDelivered(HttpDelivery.Answer answer, Task task) {
        String errors = errorMessage(answer.body());
        if (answer.status() != 400 || !errors.contains("DUPLICATE_VALUE") || !errors.contains(options.externalIdField())) {
            return Optional.empty();
        }
        Matcher existing = DUPLICATE_RECORD.matcher(errors);
        return Optional.of("Salesforce already has the Task with " + options.externalIdField() + " " + task.id()
                + (existing.find() ? " (" + existing.group(1) + ")" : ""));
    }

    @Override
    protected DeliveryResult failed(HttpDelivery.Answer answer, Task task, Redactor redactor) {
        String errors = errorMessage(answer.body());
        if (answer.status() == 403 && errors.contains("REQUEST_LIMIT_EXCEEDED")) {
            // the org's API request limit: a later attempt succeeds once the rolling 24-hour window frees up
            return new DeliveryResult.Retry("HTTP 403 from " + HttpDelivery.display(answer.uri(), redactor) + ": "
                    + HttpDelivery.abbreviate(redactor.redact(errors)), HttpDelivery.retryAfter(answer.headers().firstValue("Retry-After")));
        }
        if (answer.status() == 300) {
            return new DeliveryResult.Rejected("HTTP 300 from " + HttpDelivery.display(answer.uri(), redactor) + ": several Tasks have "
                    + options.externalIdField() + " = " + task.id() + ". Mark the field Unique and merge the duplicates");
        }
        return super.failed(answer, task, redactor);
    }

    /** {@code [{"message":"...","errorCode":"...","fields":[...]}]} → "ERROR_CODE: message; ...". */
    @Override
    protected String errorMessage(String body) {
        JsonNode errors = json(body);
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
        fields.put("Status", options.status());
        String owner = task.owner() != null && USER_ID.matcher(task.owner().strip()).matches() ? task.owner().strip() : options.defaultOwnerId();
        if (owner != null) {
            fields.put("OwnerId", owner);
        }
        TaskMapping.field(task, "salesforce_who_id").ifPresent(id -> fields.put("WhoId", id));
        TaskMapping.field(task, "salesforce_what_id").ifPresent(id -> fields.put("WhatId", id));
        return fields;
    }
}
