package dev.switchboard.schemas.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code {{ path }}} template. It can only read values: a path is dots and list indexes over the
 * roots its user offers ({@code event} and {@code steps} in workflows, {@code task} in a sink's body),
 * nothing is called or evaluated, and values are inserted as text — a value that itself contains
 * {@code {{ }}} stays text. A placeholder may state the text to use when the value is absent:
 * {@code {{ event.data.title | default: "(none)" }}} (single or double quotes, no braces inside).
 *
 * <p>Hand-written rather than a template library on purpose: every general-purpose engine
 * (Mustache, Pebble, FreeMarker) has sections, helpers or method calls, and the one promise here is
 * that a template can do nothing but read.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+|\\[\\d+])*");
    /** A path, then optionally {@code | default: "text"} or {@code | default: 'text'}. */
    private static final Pattern WITH_FALLBACK = Pattern.compile(
            "(?<path>[^|]*?)\\s*\\|\\s*default\\s*:\\s*(?:\"(?<double>[^\"]*)\"|'(?<single>[^']*)')");
    private static final Pattern SEGMENT = Pattern.compile("\\.?([A-Za-z0-9_-]+)|\\[(\\d+)]");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final String source;
    private final List<Object> parts; // String literal or Path

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    /**
     * A path inside a template: its text and its segments (String keys, Integer indexes), and the text to use when
     * its value is absent ({@code | default: "..."}), or null when the placeholder states none.
     */
    public record Path(String text, List<Object> segments, String fallback) {
        public Path(String text, List<Object> segments) {
            this(text, segments, null);
        }

        /** The placeholder as written, for messages: {@code {{ event.data.title | default: "(none)" }}}. */
        public String placeholder() {
            return "{{ " + text + (fallback == null ? "" : " | default: \"" + fallback + "\"") + " }}";
        }
    }

    /** What rendering does with a placeholder whose path has no value (absent, or null). */
    public enum Missing {
        /** Renders it as empty text. */
        EMPTY,
        /** Throws {@link MissingValueException}: a workflow's steps, where a value that is not there is the event's error. */
        FAIL
    }

    /** A placeholder had no value to render; the message names its path and how to give a fallback. */
    public static final class MissingValueException extends RuntimeException {
        private final String path;

        public MissingValueException(String path, String template) {
            super("Missing value at " + path + ": got nothing in \"" + abbreviate(template) + "\", expected a value. Give a fallback where it may be"
                    + " missing, {{ " + path + " | default: \"...\" }}, or send events that carry it");
            this.path = path;
        }

        /** The path that had no value, e.g. {@code steps.triage.confidence}. */
        public String path() {
            return path;
        }
    }

    /** Thrown when a template cannot be parsed; the message says what and how to fix it. */
    public static final class TemplateException extends IllegalArgumentException {
        public TemplateException(String message) {
            super(message);
        }
    }

    public static Template parse(String source) {
        List<Object> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(source);
        int last = 0;
        while (matcher.find()) {
            if (matcher.start() > last) {
                parts.add(source.substring(last, matcher.start()));
            }
            parts.add(placeholder(matcher.group(1)));
            last = matcher.end();
        }
        if (last < source.length()) {
            parts.add(source.substring(last));
        }
        String rest = PLACEHOLDER.matcher(source).replaceAll("");
        if (rest.contains("{{")) {
            throw new TemplateException("Unclosed placeholder in template '" + abbreviate(source)
                    + "': expected {{ path }}. Close it with }}");
        }
        return new Template(source, List.copyOf(parts));
    }

    /** What is between the braces: a path, with or without a fallback. */
    private static Path placeholder(String text) {
        if (!text.contains("|")) {
            return path(text);
        }
        Matcher fallback = WITH_FALLBACK.matcher(text);
        if (!fallback.matches()) {
            throw new TemplateException("Invalid placeholder '{{ " + text + " }}': templates only read values, "
                    + "expected a path, or a path with a fallback like {{ event.data.title | default: \"(none)\" }}");
        }
        Path path = path(fallback.group("path"));
        return new Path(path.text(), path.segments(),
                fallback.group("double") != null ? fallback.group("double") : fallback.group("single"));
    }

    /** Parses one path such as {@code event.data.tags[0]}. */
    public static Path path(String text) {
        if (!PATH.matcher(text).matches()) {
            throw new TemplateException("Invalid placeholder '{{ " + text + " }}': templates only read values, "
                    + "expected a path like event.data.subject or steps.triage.label");
        }
        List<Object> segments = new ArrayList<>();
        Matcher matcher = SEGMENT.matcher(text);
        while (matcher.find()) {
            segments.add(matcher.group(1) != null ? matcher.group(1) : Integer.valueOf(matcher.group(2)));
        }
        return new Path(text, List.copyOf(segments));
    }

    public String source() {
        return source;
    }

    /** The template's own text, without its placeholders: what it renders to when every value is empty. */
    public String literal() {
        return parts.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.joining());
    }

    public List<Path> paths() {
        return parts.stream().filter(Path.class::isInstance).map(Path.class::cast).toList();
    }

    /** Renders against a root map; an absent value renders as its placeholder's fallback, or as empty text without one. */
    public String render(Map<String, Object> root) {
        return render(root, UnaryOperator.identity());
    }

    /**
     * Renders against a root map; a path without a value renders as its placeholder's fallback, or
     * without one as empty text or by throwing {@link MissingValueException}, as {@code missing} says.
     */
    public String render(Map<String, Object> root, Missing missing) {
        return render(root, UnaryOperator.identity(), missing);
    }

    /**
     * Renders with every inserted value passed through {@code escape} (JSON string escaping for a
     * JSON body, say); the template's own text is left as written. Absent values render as their
     * fallback, or as empty text.
     */
    public String render(Map<String, Object> root, UnaryOperator<String> escape) {
        return render(root, escape, Missing.EMPTY);
    }

    private String render(Map<String, Object> root, UnaryOperator<String> escape, Missing missing) {
        return render(root, (placeholder, path, value) -> {
            if (value == null && missing == Missing.FAIL) {
                throw new MissingValueException(path.text(), source);
            }
            return escape.apply(text(value));
        });
    }

    /**
     * What to insert for one placeholder, given its position among the template's placeholders, its path and its value:
     * the placeholder's fallback text when the value is absent, null when it is absent and the placeholder states none.
     */
    @FunctionalInterface
    public interface Insertion {
        String insert(int placeholder, Path path, Object value);
    }

    /**
     * Renders with {@code insertion} writing each placeholder's text from its value, for a user that
     * inserts values by where they stand (a JSON body: inside a string or bare); the template's own
     * text is left as written.
     */
    public String render(Map<String, Object> root, Insertion insertion) {
        StringBuilder out = new StringBuilder();
        int placeholder = 0;
        for (Object part : parts) {
            if (part instanceof String literal) {
                out.append(literal);
            } else {
                Path path = (Path) part;
                Object value = read(root, path);
                out.append(insertion.insert(placeholder++, path, value == null ? path.fallback() : value));
            }
        }
        return out.toString();
    }

    /** The template's own text: the text before each placeholder, then the text after the last ({@code paths().size() + 1} entries). */
    public List<String> literals() {
        List<String> literals = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String literal) {
                current.append(literal);
            } else {
                literals.add(current.toString());
                current.setLength(0);
            }
        }
        literals.add(current.toString());
        return literals;
    }

    public static Object read(Map<String, Object> root, Path path) {
        Object current = root;
        for (Object segment : path.segments()) {
            if (current instanceof Map<?, ?> map && segment instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && segment instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    /** A value as a template inserts it: absent as empty text, whole doubles without ".0", maps and lists as JSON. */
    public static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
