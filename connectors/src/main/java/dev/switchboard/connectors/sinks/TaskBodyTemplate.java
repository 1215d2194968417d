package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON request body written as a {@code {{ path }}} template over the task, e.g.
 * {@code {"text": "{{ task.title }}", "label": "{{ task.fields.label }}"}}. Values are escaped as
 * JSON string content, so a title with quotes or newlines cannot break out of its string, and the
 * result must parse as JSON. The template syntax is the workflows' own: it can only read.
 */
final class TaskBodyTemplate {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Template template;

    private TaskBodyTemplate(Template template) {
        this.template = template;
    }

    static TaskBodyTemplate parse(String source) {
        return new TaskBodyTemplate(Template.parse(source));
    }

    /** Every problem of a body template at {@code option}: syntax, paths outside the task, JSON that cannot come out. */
    static List<OptionProblem> check(String source, String option) {
        List<OptionProblem> problems = new ArrayList<>(TaskTemplate.check(source, option, "body template"));
        if (problems.isEmpty()) {
            // any value, quoted or not, must leave valid JSON: fill every placeholder with a number
            invalidJson(Template.parse(source).render(Map.of(), absent -> "0")).ifPresent(reason -> problems.add(
                    OptionProblem.at(option, "Invalid JSON in body template").fix(": " + reason
                            + ". The body must be JSON once its placeholders are filled; put placeholders for text inside quotes")));
        }
        return problems;
    }

    /** The body for one task, or why it cannot be sent. */
    Rendered render(Task task) {
        Map<String, Object> root = Map.of("task", JSON.convertValue(task, MAP));
        String body = template.render(root, TaskBodyTemplate::escape);
        Optional<String> invalid = invalidJson(body);
        return invalid.<Rendered>map(reason -> new Rendered(null, "Body template rendered invalid JSON for task " + task.id()
                        + ": " + reason + ". Put placeholders whose value may be text or empty inside quotes"))
                .orElseGet(() -> new Rendered(body, null));
    }

    /** A body, or the reason there is none. */
    record Rendered(String body, String problem) {
    }

    private static String escape(String value) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(value));
    }

    private static Optional<String> invalidJson(String text) {
        try {
            return JSON.readTree(text).isMissingNode() ? Optional.of("the body is empty") : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(e.getOriginalMessage());
        }
    }
}
