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
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates a Pipedrive activity per task (API v1), linked to the person, organization and deal in
 * the task's fields.
 *
 * <p>Pipedrive has neither an idempotency key nor unique fields on activities, so the task id is
 * written into the activity's note ("Switchboard task tsk_…") and, before creating, the sink lists
 * the activities of the same user, type and due date and looks for it there: found means
 * delivered. The list is by due date (never empty here: a task without one is due the day it was
 * made, which is also Pipedrive's default), so the look-up stays one small page in practice. The
 * API token travels in the {@code x-api-token} header, never in the URL.
 */
public final class PipedriveActivitySink implements SinkFactory<PipedriveActivitySink.Options> {

    static final String PATH = "/api/v1/activities";
    static final int PAGE = 500;
    private static final List<String> LINKS = List.of("pipedrive_person_id", "pipedrive_org_id", "pipedrive_deal_id");
    private static final int MAX_PAGES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Documentation(name = "pipedrive", summary = "Creates a Pipedrive activity per task, linked to the person, organization and deal in the task's fields; exactly once by looking for the task id first.",
            description = """
                    Maps `title` → `subject`, `body` → `note` (escaped HTML, ending with the task id), the due date →
                    `due_date` (and `due_time` in UTC when it has a time; no due date: the day the task was made),
                    `owner` → `user_id` when it is a numeric user id (else `default_user_id`), task fields
                    `pipedrive_person_id`, `pipedrive_org_id` and `pipedrive_deal_id` → `person_id`, `org_id`, `deal_id`.

                    Setup: an API token (Personal preferences → API) in `token_env` or `token_file`, sent as the
                    `x-api-token` header; the company domain (or `api.pipedrive.com`) in `outbound.allowed_hosts`.
                    With `deduplicate`, each delivery first lists that day's activities of the user and type (one GET);
                    turn it off only where a rare duplicate is cheaper than the extra request.
                    """)
    @Example(title = "Follow-up activities in Pipedrive", yaml = """
            pipedrive-activities:
              pipedrive:
                base_url: https://acme.pipedrive.com
                token_env: PIPEDRIVE_API_TOKEN
                activity_type: task
                default_user_id: 1234567
            """)
    public record Options(
            @Option(description = "Environment variable holding the API token (sent as the `x-api-token` header).", secret = true)
            @JsonProperty("token_env") String tokenEnv,
            @Option(description = "File holding the API token (a mounted secret), instead of `token_env`; read at each request.", secret = true)
            @JsonProperty("token_file") String tokenFile,
            @Option(description = "Pipedrive API base URL: the company domain (`https://acme.pipedrive.com`) or the default; its host must be in `outbound.allowed_hosts`.", defaultValue = "https://api.pipedrive.com")
            @JsonProperty("base_url") String baseUrl,
            @Option(description = "Activity type key (`key_string` of an activity type: task, call, meeting, email, deadline, ...).", defaultValue = "task")
            @JsonProperty("activity_type") String activityType,
            @Option(description = "Pipedrive user id for tasks whose owner is not a numeric user id or is missing; without it the token's user gets them.", minimum = 1)
            @JsonProperty("default_user_id") Long defaultUserId,
            @Option(description = "Look for the task id among the day's activities before creating one, so a redelivered task is not created twice.", defaultValue = "true")
            Boolean deduplicate,
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
        if (options.activityType() != null && !options.activityType().matches("[a-z0-9_]+")) {
            problems.add("Invalid activity type at activity_type: got '" + options.activityType()
                    + "', expected an activity type's key_string such as task or call");
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        Secret token = Secret.of("token", options.tokenEnv(), options.tokenFile(), environment.baseDir(), environment::secret)
                .orElseThrow(() -> new IllegalStateException("Sink '" + name + "' needs token_env or token_file"));
        return new Sender(name, baseUrl(options), token, options,
                new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), WebhookSink.timeout(options.timeoutSeconds())));
    }

    private static String baseUrl(Options options) {
        String base = options.baseUrl() == null ? "https://api.pipedrive.com" : options.baseUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** {@code {"success":false,"error":"...","error_info":"..."}} → error and its info. */
    static String errorMessage(String body) {
        JsonNode error;
        try {
            error = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return body;
        }
        String message = error.path("error").asText("");
        if (message.isEmpty()) {
            return body;
        }
        String info = error.path("error_info").asText("");
        return info.isEmpty() ? message : message + " (" + info + ")";
    }

    private static final class Sender implements TaskSink {
        private final String name;
        private final String base;
        private final Secret token;
        private final String activityType;
        private final Long defaultUserId;
        private final boolean deduplicate;
        private final HttpDelivery http;

        Sender(String name, String base, Secret token, Options options, HttpDelivery http) {
            this.name = name;
            this.base = base;
            this.token = token;
            this.activityType = options.activityType() == null ? "task" : options.activityType();
            this.defaultUserId = options.defaultUserId();
            this.deduplicate = options.deduplicate() == null || options.deduplicate();
            this.http = http;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(Task task) {
            String apiToken = token.value().orElse(null);
            if (apiToken == null) {
                return new DeliveryResult.Retry("Pipedrive token from " + token.describe() + " is not available", null);
            }
            Redactor redactor = Redactor.of(apiToken);
            for (String field : LINKS) {
                if (TaskMapping.field(task, field).isPresent() && TaskMapping.wholeNumberField(task, field).isEmpty()) {
                    return new DeliveryResult.Rejected("Task field " + field + " must be a Pipedrive id (a whole number), got '"
                            + HttpDelivery.abbreviate(TaskMapping.field(task, field).get()) + "'. Fix the step that sets it");
                }
            }
            Optional<Long> user = owner(task);
            LocalDate due = TaskMapping.dueDate(task).orElseGet(() -> LocalDate.ofInstant(TaskMapping.createdAt(task), ZoneOffset.UTC));
            if (deduplicate) {
                DeliveryResult found = findExisting(task, user, due, apiToken, redactor);
                if (found != null) {
                    return found;
                }
            }
            HttpRequest request = http.request(URI.create(base + PATH))
                    .header("x-api-token", apiToken)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(task, user, due).toString()))
                    .build();
            HttpDelivery.Outcome outcome = http.send(request, redactor);
            if (outcome instanceof HttpDelivery.Failure failure) {
                return failure.result();
            }
            HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
            if (answer.successful()) {
                String id = readQuietly(answer.body()).path("data").path("id").asText("");
                return new DeliveryResult.Delivered("Pipedrive activity " + (id.isEmpty() ? "created" : id) + " (HTTP " + answer.status() + ")");
            }
            return withRateLimitReset(answer, HttpDelivery.result(answer, PipedriveActivitySink::errorMessage, redactor));
        }

        /** Delivered when an activity of that day already carries the task id; a failure to look; or null: not there. */
        private DeliveryResult findExisting(Task task, Optional<Long> user, LocalDate due, String apiToken, Redactor redactor) {
            String day = due.format(DateTimeFormatter.ISO_LOCAL_DATE);
            for (int page = 0, start = 0; page < MAX_PAGES; page++) {
                String query = "type=" + URLEncoder.encode(activityType, StandardCharsets.UTF_8)
                        + "&start_date=" + day + "&end_date=" + day + "&start=" + start + "&limit=" + PAGE
                        + user.map(id -> "&user_id=" + id).orElse("");
                HttpRequest request = http.request(URI.create(base + PATH + "?" + query))
                        .header("x-api-token", apiToken)
                        .header("Accept", "application/json")
                        .GET()
                        .build();
                HttpDelivery.Outcome outcome = http.send(request, redactor);
                if (outcome instanceof HttpDelivery.Failure failure) {
                    return failure.result();
                }
                HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
                if (!answer.successful()) {
                    return withRateLimitReset(answer, HttpDelivery.result(answer, PipedriveActivitySink::errorMessage, redactor));
                }
                JsonNode list = readQuietly(answer.body());
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
            return Optional.ofNullable(defaultUserId);
        }

        ObjectNode body(Task task, Optional<Long> user, LocalDate due) {
            ObjectNode body = JSON.createObjectNode();
            body.put("subject", TaskMapping.limit(task.title() == null ? "(no title)" : task.title(), 255));
            body.put("type", activityType);
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

        private static JsonNode readQuietly(String body) {
            try {
                return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return JSON.missingNode();
            }
        }
    }
}
