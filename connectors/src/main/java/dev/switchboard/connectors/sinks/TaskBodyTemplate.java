package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.template.Template;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A JSON request body written as a {@code {{ path }}} template over the task, e.g.
 * {@code {"text": "{{ task.title }}", "score": {{ task.fields.score }}}}. Where a placeholder stands
 * decides the JSON type of what it inserts, so event data can never change the body's shape:
 * inside quotes, the value is escaped as string content (a title with quotes or newlines cannot
 * break out of its string); outside quotes, {@code task.fields.<name>} is a number (a value that is
 * not one rejects the task, so {@code {}}, {@code [...]} or {@code true} cannot stand there),
 * {@code task.fields} the fields object and {@code task.lineage} the array of model calls. Any other
 * placeholder outside quotes is refused when the configuration loads. The template syntax is the
 * workflows' own: it can only read.
 */
final class TaskBodyTemplate {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final List<String> TASK_FIELDS = Arrays.stream(Task.class.getRecordComponents())
            .map(RecordComponent::getName).toList();
    /** RFC 8259's number, and no longer than Jackson reads one. */
    private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
    private static final int MAX_NUMBER_CHARS = 1000;

    /** What a placeholder inserts, by where it stands and what it reads. */
    private enum Slot {
        /** Inside a JSON string: the value's text, escaped. */
        TEXT,
        /** Bare {@code task.fields.<name>}: a JSON number, or the task is rejected. */
        NUMBER,
        /** Bare {@code task.fields} or {@code task.lineage}: the object or array, written by Jackson. */
        JSON,
        /** Bare anything else: refused by {@link #check}. */
        REFUSED
    }

    private final Template template;
    private final List<Slot> slots;

    private TaskBodyTemplate(Template template) {
        this.template = template;
        this.slots = slots(template);
    }

    static TaskBodyTemplate parse(String source) {
        return new TaskBodyTemplate(Template.parse(source));
    }

    /** Every problem of a body template at {@code option}: syntax, paths outside the task, bare text fields, JSON that cannot come out. */
    static List<OptionProblem> check(String source, String option) {
        Template template;
        try {
            template = Template.parse(source);
        } catch (Template.TemplateException e) {
            return List.of(OptionProblem.at(option, "Invalid body template").fix(": " + e.getMessage()));
        }
        List<OptionProblem> problems = new ArrayList<>();
        List<Slot> slots = slots(template);
        for (int i = 0; i < slots.size(); i++) {
            Template.Path path = template.paths().get(i);
            List<Object> segments = path.segments();
            String placeholder = "{{ " + path.text() + " }}";
            if (!"task".equals(segments.get(0))) {
                problems.add(OptionProblem.at(option, "Unknown root '" + segments.get(0) + "' in '" + placeholder + "'")
                        .fix(": a body template reads only task, e.g. {{ task.title }} or {{ task.fields.label }}"));
            } else if (segments.size() < 2 || !TASK_FIELDS.contains(String.valueOf(segments.get(1)))) {
                problems.add(OptionProblem.at(option, "Unknown task field in '" + placeholder + "'")
                        .expected("one of " + String.join(", ", TASK_FIELDS)));
            } else if (slots.get(i) == Slot.REFUSED) {
                problems.add(OptionProblem.at(option, "Placeholder outside quotes").got(placeholder)
                        .expected("a text field inside quotes, \"" + placeholder + "\"")
                        .fix("Outside quotes only task.fields.<name> (a number), task.fields (an object) and task.lineage (an array) may "
                                + "stand, so that event data cannot change the JSON's shape"));
            }
        }
        if (problems.isEmpty()) {
            // any value, quoted or not, must leave valid JSON: fill every placeholder with a number
            invalidJson(template.render(Map.of(), absent -> "0")).ifPresent(reason -> problems.add(
                    OptionProblem.at(option, "Invalid JSON in body template").fix(": " + reason
                            + ". The body must be JSON once its placeholders are filled; put placeholders for text inside quotes")));
        }
        return problems;
    }

    /** The body for one task, or why it cannot be sent. */
    Rendered render(Task task) {
        Map<String, Object> root = Map.of("task", JSON.convertValue(task, MAP));
        List<String> unfit = new ArrayList<>();
        String body = template.render(root, (index, path, value) -> insert(slots.get(index), path, value, unfit));
        if (!unfit.isEmpty()) {
            return new Rendered(null, "Body template cannot fill " + String.join("; ", unfit) + " for task " + task.id()
                    + ". Put placeholders whose value may be text or empty inside quotes");
        }
        Optional<String> invalid = invalidJson(body);
        return invalid.<Rendered>map(reason -> new Rendered(null, "Body template rendered invalid JSON for task " + task.id()
                        + ": " + reason + ". Put placeholders whose value may be text or empty inside quotes"))
                .orElseGet(() -> new Rendered(body, null));
    }

    /** A body, or the reason there is none. */
    record Rendered(String body, String problem) {
    }

    private static String insert(Slot slot, Template.Path path, Object value, List<String> unfit) {
        return switch (slot) {
            case TEXT -> new String(JsonStringEncoder.getInstance().quoteAsString(Template.text(value)));
            case NUMBER -> {
                String text = value instanceof Number || value instanceof String ? value.toString() : null;
                if (text != null && text.length() <= MAX_NUMBER_CHARS && NUMBER.matcher(text).matches()) {
                    yield text;
                }
                // the value came from the event: say what kind it is, never what it says
                unfit.add("'{{ " + path.text() + " }}' (outside quotes it stands for a JSON number; got "
                        + (value == null || "".equals(value) ? "no value" : "a value that is not one") + ")");
                yield "0";
            }
            case JSON -> {
                try {
                    yield JSON.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    unfit.add("'{{ " + path.text() + " }}' (" + e.getOriginalMessage() + ")");
                    yield "null";
                }
            }
            case REFUSED -> throw new IllegalStateException("A body template with '{{ " + path.text() + " }}' outside quotes passed its check");
        };
    }

    /** Each placeholder's slot: inside a JSON string of the template's own text, or bare, and then by what it reads. */
    private static List<Slot> slots(Template template) {
        List<String> literals = template.literals();
        List<Template.Path> paths = template.paths();
        List<Slot> slots = new ArrayList<>(paths.size());
        boolean inString = false;
        for (int i = 0; i < paths.size(); i++) {
            inString = inStringAfter(literals.get(i), inString);
            slots.add(inString ? Slot.TEXT : bare(paths.get(i).segments()));
        }
        return slots;
    }

    private static Slot bare(List<Object> segments) {
        if (segments.size() == 2 && ("fields".equals(segments.get(1)) || "lineage".equals(segments.get(1)))) {
            return Slot.JSON;
        }
        if (segments.size() == 3 && "fields".equals(segments.get(1)) && segments.get(2) instanceof String) {
            return Slot.NUMBER;
        }
        return Slot.REFUSED;
    }

    /** Whether the JSON text ends inside a string, given whether it started in one. */
    private static boolean inStringAfter(String text, boolean inString) {
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!inString) {
                inString = c == '"';
            } else if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
        }
        return inString;
    }

    private static Optional<String> invalidJson(String text) {
        try {
            return JSON.readTree(text).isMissingNode() ? Optional.of("the body is empty") : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(e.getOriginalMessage());
        }
    }
}
