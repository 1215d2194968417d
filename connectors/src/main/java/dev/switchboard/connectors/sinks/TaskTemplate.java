package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.template.Template;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A {@code {{ path }}} template over one task ({@code {{ task.title }}}, {@code {{ task.fields.email }}}),
 * as sinks let a configuration shape what they send. It can only read; each sink escapes the values
 * it inserts for where they go (JSON string content, a mail header, HTML).
 */
final class TaskTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final List<String> TASK_FIELDS = Arrays.stream(Task.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    private final Template template;

    private TaskTemplate(Template template) {
        this.template = template;
    }

    static TaskTemplate parse(String source) {
        return new TaskTemplate(Template.parse(source));
    }

    Template template() {
        return template;
    }

    /**
     * Every problem of a template at {@code option}: its syntax, and paths that read anything but the task's fields.
     *
     * @param noun what the template is, for the messages ({@code body template}, {@code subject template})
     */
    static List<OptionProblem> check(String source, String option, String noun) {
        Template template;
        try {
            template = Template.parse(source);
        } catch (Template.TemplateException e) {
            return List.of(OptionProblem.at(option, "Invalid " + noun).fix(": " + e.getMessage()));
        }
        List<OptionProblem> problems = new ArrayList<>();
        for (Template.Path path : template.paths()) {
            List<Object> segments = path.segments();
            String placeholder = "'{{ " + path.text() + " }}'";
            if (!"task".equals(segments.get(0))) {
                problems.add(OptionProblem.at(option, "Unknown root '" + segments.get(0) + "' in " + placeholder)
                        .fix(": a " + noun + " reads only task, e.g. {{ task.title }} or {{ task.fields.label }}"));
            } else if (segments.size() < 2 || !TASK_FIELDS.contains(String.valueOf(segments.get(1)))) {
                problems.add(OptionProblem.at(option, "Unknown task field in " + placeholder).expected("one of " + String.join(", ", TASK_FIELDS)));
            }
        }
        return problems;
    }

    /** The text for one task, each inserted value passed through {@code escape}. */
    String render(Task task, UnaryOperator<String> escape) {
        return template.render(Map.of("task", JSON.convertValue(task, MAP)), escape);
    }
}
