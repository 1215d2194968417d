package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/** An {@link Explanation} as text for a terminal: the event's records, then per workflow its outcome and the path behind it. */
public final class ExplanationText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_OUTPUT = 200;

    private ExplanationText() {
    }

    public static String render(Explanation explanation) {
        StringBuilder out = new StringBuilder();
        out.append("Event ").append(printable(explanation.eventId())).append(" (records since ").append(explanation.since()).append(", ")
                .append(explanation.scanned()).append(" read)\n");
        if (explanation.records().isEmpty()) {
            out.append("  not found on the events topics\n");
        }
        for (Explanation.Published record : explanation.records()) {
            line(out, record.kind(), record.type() + " from " + record.source()
                    + (record.subject() == null ? "" : ", subject " + record.subject()) + ", " + record.topic() + " " + record.partition()
                    + "@" + record.offset() + " at " + record.time());
        }
        for (Explanation.WorkflowPath path : explanation.workflows()) {
            out.append("\nWorkflow ").append(path.workflow()).append(": ").append(printable(path.outcome())).append('\n');
            line(out, "trigger", path.trigger());
            line(out, "filter", path.filter());
            line(out, "trace", path.traceId());
            for (Explanation.StepPath step : path.steps()) {
                StringBuilder text = new StringBuilder(step.step()).append(" (").append(step.type()).append("): ").append(step.status());
                if (step.output() != null) {
                    text.append(' ').append(abbreviate(json(step.output())));
                }
                if (step.reason() != null) {
                    text.append(" - ").append(step.reason());
                }
                line(out, "step", text.toString());
                for (Explanation.ModelCallRecord call : step.calls()) {
                    line(out, "", String.format(Locale.ROOT, "model call %s/%s: %s, %d+%d tokens, %.1f ms, $%.6f%s%s", call.provider(),
                            call.model(), call.outcome(), call.tokensIn(), call.tokensOut(), call.latencyMs(), call.costUsd(),
                            call.cacheHit() ? ", from the cache" : "",
                            call.promptVersion() == null ? "" : ", prompt " + call.promptId() + " " + call.promptVersion()));
                }
            }
            for (Explanation.TaskPath task : path.tasks()) {
                line(out, "task", task.taskId() + " to " + task.sink() + ": " + task.title());
                for (Explanation.Receipt receipt : task.receipts()) {
                    line(out, "", "receipt: " + receipt.outcome() + " after " + receipt.attempts() + " attempt(s) at " + receipt.time()
                            + (receipt.detail() == null ? "" : " (" + receipt.detail() + ")"));
                }
                task.deadLetters().forEach(letter -> line(out, "", "dead letter: " + letter.reason() + " (" + where(letter) + ")"));
            }
            for (Explanation.ReviewPath review : path.reviews()) {
                line(out, "review", review.reviewId() + " at step " + review.step() + ": " + review.status() + " at " + review.time()
                        + (review.decidedBy() == null ? "" : " by " + review.decidedBy()) + (review.reason() == null ? "" : " - " + review.reason()));
            }
            path.deadLetters().forEach(letter -> line(out, "dead", letter.reason() + " (" + where(letter) + ")"));
        }
        for (Explanation.DeadLetter letter : explanation.deadLetters()) {
            out.append('\n');
            line(out, "dead", "from " + letter.stage() + ": " + letter.reason() + " (" + where(letter) + ")");
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String text) {
        if (text != null) {
            out.append(String.format(Locale.ROOT, "  %-8s %s%n", label, printable(text)));
        }
    }

    /** Event data reaches the terminal: control characters (escape sequences, carriage returns) are shown, not obeyed. */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.getType(c) == Character.CONTROL) {
                shown.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    private static String where(Explanation.DeadLetter letter) {
        return letter.topic() + " " + letter.partition() + "@" + letter.offset() + (letter.time() == null ? "" : ", " + letter.time());
    }

    private static String json(Object value) {
        try {
            return value instanceof String text ? text : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > MAX_OUTPUT ? text.substring(0, MAX_OUTPUT) + "…" : text;
    }
}
