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
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Creates one Pipedrive activity (API v1) per task, linked to the person, organization and deal in
 * the task's fields.
 *
 * <p>Pipedrive has neither an idempotency key nor unique fields on activities, so the task id is
 * written into the activity's note ("Switchboard task tsk_…") and, before creating, the sink lists
 * the activities of the same user, type and due date and looks for it there: found means
 * delivered. The list is by due date (never empty here: a task without one is due the day it was
 * made, which is also Pipedrive's default), so the look-up stays one small page in practice. The
 * API token travels in the {@code x-api-token} header, never in the URL.
 */
public final class PipedriveActivitySink extends HttpTaskSink implements TaskSink {

    static final String PATH = "/api/v1/activities";
    static final int PAGE = 500;
    private static final List<String> LINKS = List.of("pipedrive_person_id", "pipedrive_org_id", "pipedrive_deal_id");
    private static final int MAX_PAGES = 10;

    private final String activities;
    private final PipedriveActivitySinkFactory.Options options;

    PipedriveActivitySink(String name, PipedriveActivitySinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, Optional.of(new Credential("Pipedrive token", token)), Redactor.none(), http);
        this.activities = base(options.baseUrl()) + PATH;
        this.options = options;
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        for (String field : LINKS) {
            if (TaskMapping.field(task, field).isPresent() && TaskMapping.wholeNumberField(task, field).isEmpty()) {
                return new Decided(new DeliveryResult.Rejected("Task field " + field + " must be a Pipedrive id (a whole number), got '"
                        + HttpDelivery.abbreviate(TaskMapping.field(task, field).get()) + "'. Fix the step that sets it"));
            }
        }
        Optional<Long> user = owner(task);
        LocalDate due = TaskMapping.dueDate(task).orElseGet(() -> LocalDate.ofInstant(TaskMapping.createdAt(task), ZoneOffset.UTC));
        if (options.deduplicate()) {
            DeliveryResult found = findExisting(task, user, due, call);
            if (found != null) {
                return new Decided(found);
            }
        }
        return new Send(http.request(URI.create(activities))
                .header("x-api-token", call.credential())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(task, user, due).toString()))
                .build());
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        String id = json(answer.body()).path("data").path("id").asText("");
        return "Pipedrive activity " + (id.isEmpty() ? "created" : id) + " (HTTP " + answer.status() + ")";
    }

    @Override
    protected DeliveryResult failed(HttpDelivery.Answer answer, Task task, Redactor redactor) {
        return withRateLimitReset(answer, super.failed(answer, task, redactor));
    }

    /** {@code {"success":false,"error":"...","error_info":"..."}} → error and its info. */
    @Override
    protected String errorMessage(String body) {
        return jsonError(body, "error", error -> error.path("error_info").asText("").isEmpty() ? ""
                : " (" + error.path("error_info").asText() + ")");
    }

    /** Delivered when an activity of that day already carries the task id; a failure to look; or null: not there. */
    private DeliveryResult findExisting(Task task, Optional<Long> user, LocalDate due, Call call) {
        String day = due.format(DateTimeFormatter.ISO_LOCAL_DATE);
        for (int page = 0, start = 0; page < MAX_PAGES; page++) {
            String query = "type=" + URLEncoder.encode(options.activityType(), StandardCharsets.UTF_8)
                    + "&start_date=" + day + "&end_date=" + day + "&start=" + start + "&limit=" + PAGE
                    + user.map(id -> "&user_id=" + id).orElse("");
            HttpRequest request = http.request(URI.create(activities + "?" + query))
                    .header("x-api-token", call.credential())
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            Lookup lookup = lookUp(request, task, call);
            if (lookup.failure() != null) {
                return lookup.failure();
            }
            JsonNode list = lookup.json();
            for (JsonNode activity : list.path("data")) {
                if (activity.path("note").asText("").contains(task.id())) {
                    return new DeliveryResult.Delivered("Pipedrive already has activity " + activity.path("id").asText("")
                            + " for task " + task.id());
                }
            }
            JsonNode pagination = list.path("additional_data").path("pagination");
            if (!pagination.path("more_items_in_collection").asBoolean(false)) {
                return null;
            }
            start = pagination.path("next_start").asInt(start + PAGE);
        }
        return null;
    }

    private Optional<Long> owner(Task task) {
        if (task.owner() != null && task.owner().strip().matches("[0-9]{1,18}")) {
            return Optional.of(Long.valueOf(task.owner().strip()));
        }
        return Optional.ofNullable(options.defaultUserId());
    }

    ObjectNode body(Task task, Optional<Long> user, LocalDate due) {
        ObjectNode body = JSON.createObjectNode();
        body.put("subject", TaskMapping.limit(task.title() == null ? "(no title)" : task.title(), 255));
        body.put("type", options.activityType());
        body.put("due_date", due.toString());
        TaskMapping.dueTime(task).ifPresent(time -> body.put("due_time", String.format("%02d:%02d", time.getHour(), time.getMinute())));
        String priority = TaskMapping.priority(task);
        body.put("note", (task.body() == null ? "" : TaskMapping.html(task.body()) + "<br><br>")
                + "Switchboard task " + task.id() + ("normal".equals(priority) ? "" : " · priority " + priority));
        user.ifPresent(id -> body.put("user_id", id));
        TaskMapping.wholeNumberField(task, "pipedrive_person_id").ifPresent(id -> body.put("person_id", id));
        TaskMapping.wholeNumberField(task, "pipedrive_org_id").ifPresent(id -> body.put("org_id", id));
        TaskMapping.wholeNumberField(task, "pipedrive_deal_id").ifPresent(id -> body.put("deal_id", id));
        return body;
    }

    /** Pipedrive's 429 names the wait in {@code x-ratelimit-reset} (seconds) when there is no Retry-After. */
    private static DeliveryResult withRateLimitReset(HttpDelivery.Answer answer, DeliveryResult result) {
        if (result instanceof DeliveryResult.Retry retry && retry.retryAfter() == null) {
            Duration reset = HttpDelivery.retryAfter(answer.headers().firstValue("x-ratelimit-reset"));
            return reset == null ? retry : new DeliveryResult.Retry(retry.reason(), reset);
        }
        return result;
    }
}
