package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.workflows.expr.CelExpression;
import dev.switchboard.workflows.expr.Cron;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The rules of {@code on} that its record cannot declare: {@code types} unless {@code schedule};
 * {@code window} and {@code schedule} exclusive; window durations, key and condition; a schedule's
 * cron or period and zone. Each problem is reported at the line of the option it is about.
 */
public final class TriggerChecks {

    private TriggerChecks() {
    }

    /** Adds the problems of a bound trigger, found at {@code on}. */
    public static void check(Trigger trigger, Node on, Problems problems) {
        if (trigger.schedule() == null && trigger.types() == null) {
            problems.add(on, "on.types", "Missing required option 'types' at on. CloudEvent types that start the workflow, "
                    + "e.g. types: [ticket.created] (only on.schedule takes none)");
        }
        if (trigger.window() != null && trigger.schedule() != null) {
            problems.add(at(on, "schedule"), "on.schedule", "Both window and schedule at on: expected one of them. "
                    + "Split them into two workflows");
        }
        if (trigger.schedule() != null && trigger.types() != null) {
            problems.add(at(on, "types"), "on.types", "Types with a schedule at on.types: a scheduled workflow starts from its "
                    + "digest event (type " + trigger.schedule().eventType() + "), not from other events. Remove types");
        }
        if (trigger.window() != null) {
            window(trigger.window(), at(on, "window"), problems);
        }
        if (trigger.schedule() != null) {
            schedule(trigger.schedule(), at(on, "schedule"), problems);
        }
    }

    private static void window(WindowTrigger window, Node node, Problems problems) {
        String kind = window.kind();
        if (kind.equals("session")) {
            positive(window.gap(), node, "gap", "a session window needs the gap that closes it, e.g. gap: PT30M", problems);
            absent(window.size(), node, "size", "session windows have no size; they close after `gap` without events", problems);
            absent(window.advance(), node, "advance", "only hopping windows advance", problems);
        } else {
            positive(window.size(), node, "size", "a " + kind + " window needs its length, e.g. size: PT24H", problems);
            absent(window.gap(), node, "gap", "only session windows have a gap", problems);
            if (kind.equals("hopping")) {
                Duration advance = positive(window.advance(), node, "advance", "a hopping window needs how often it starts, e.g. advance: PT1H", problems);
                Duration size = duration(window.size());
                if (advance != null && size != null && advance.compareTo(size) > 0) {
                    problems.add(at(node, "advance"), "on.window.advance", "Advance longer than size at on.window.advance: got '"
                            + window.advance() + "', expected at most '" + window.size() + "'. A hopping window must not leave gaps");
                }
            } else {
                absent(window.advance(), node, "advance", "only hopping windows advance; use kind: hopping", problems);
            }
        }
        Duration grace = duration(window.grace());
        if (grace == null || grace.isNegative()) {
            problems.add(at(node, "grace"), "on.window.grace", "Invalid duration at on.window.grace: got '" + window.grace()
                    + "', expected an ISO-8601 duration of zero or more, e.g. PT10M");
        }
        expression(() -> CelExpression.overEvent(window.key()), window.key(), node, "key",
                "a value over event, e.g. event.data.account_id", problems);
        if (window.value() != null) {
            expression(() -> CelExpression.overEvent(window.value()), window.value(), node, "value",
                    "a number over event, e.g. event.data.amount", problems);
        }
        baseline(window, node, problems);
        expression(() -> CelExpression.windowCondition(window.condition()), window.condition(), node, "condition",
                "a true/false expression over " + String.join(", ", CelExpression.WINDOW_VARIABLES.keySet()) + ", e.g. count >= 3", problems);
    }

    private static void baseline(WindowTrigger window, Node node, Problems problems) {
        WindowTrigger.Baseline baseline = window.baseline();
        if (baseline == null) {
            if (window.condition() != null && window.condition().matches("(?s).*\\bbaseline\\b.*")) {
                problems.add(at(node, "condition"), "on.window.condition", "Baseline without history at on.window.condition: got '"
                        + OptionsBinder.abbreviate(window.condition()) + "', expected on.window.baseline to say what baseline.* is of. "
                        + "Add e.g. baseline: { of: value, last: 30 }");
            }
            return;
        }
        if (!window.kind().equals("tumbling")) {
            problems.add(at(node, "baseline"), "on.window.baseline", "Baseline on a " + window.kind() + " window at on.window.baseline: "
                    + "expected kind tumbling, whose windows follow one another. Use kind: tumbling");
        }
        if (!baseline.of().equals("count") && window.value() == null) {
            problems.add(at(node, "baseline"), "on.window.baseline.of", "Baseline of " + baseline.of() + " without a value at "
                    + "on.window.baseline.of: got '" + baseline.of() + "', expected count, or a value to take it of. Add e.g. "
                    + "value: event.data.total");
        }
    }

    private static void schedule(ScheduleTrigger schedule, Node node, Problems problems) {
        if ((schedule.cron() == null) == (schedule.every() == null)) {
            problems.add(node, "on.schedule", "Expected exactly one of cron and every at on.schedule, e.g. cron: \"0 9 * * MON\" or every: P7D");
        }
        if (schedule.cron() != null) {
            try {
                Cron.parse(schedule.cron());
            } catch (IllegalArgumentException e) {
                problems.add(at(node, "cron"), "on.schedule.cron", "Invalid cron at on.schedule.cron: got '" + schedule.cron() + "', " + e.getMessage());
            }
        }
        if (schedule.every() != null && period(schedule.every()) == null) {
            problems.add(at(node, "every"), "on.schedule.every", "Invalid period at on.schedule.every: got '" + schedule.every()
                    + "', expected a positive ISO-8601 period or duration, e.g. P7D, P1M or PT1H");
        }
        if (schedule.overdue() != null) {
            overdue(schedule, at(node, "overdue"), problems);
        }
        try {
            ZoneId.of(schedule.zone());
        } catch (DateTimeException e) {
            problems.add(at(node, "zone"), "on.schedule.zone", "Unknown time zone at on.schedule.zone: got '" + schedule.zone()
                    + "', expected a region id such as Europe/Paris or UTC");
        }
    }

    /** A warning when sources from outside write the topic the workflow reads: its events are untrusted input. */
    public static void untrusted(Trigger trigger, Node on, ExternalTopics external, Problems problems) {
        Node at = at(on, "topic") == on ? on : at(on, "topic");
        external.warning(trigger.topic(), "on.topic", "Its data is untrusted: whoever can send to that source can start this workflow "
                + "with any event of its types and any data. Read the data as text, not as a decision about where tasks go")
                .ifPresent(warning -> problems.warn(at, "on.topic", warning));
    }

    private static void overdue(ScheduleTrigger schedule, Node node, Problems problems) {
        if (schedule.business() != null || schedule.workflows() != null) {
            problems.add(node, "on.schedule.overdue", "Overdue with a digest's options at on.schedule: a reminder schedule starts from "
                    + "invoices, not from a digest. Remove " + (schedule.business() != null ? "business" : "workflows") + ", or split the "
                    + "workflow in two");
        }
        java.util.List<ScheduleTrigger.Stage> stages = schedule.overdue().stages();
        if (stages.isEmpty()) {
            problems.add(node, "on.schedule.overdue.stages", "No stage at on.schedule.overdue.stages: expected at least one, e.g. "
                    + "[{name: friendly, after: P7D}]");
        }
        Period previous = null;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            String path = "on.schedule.overdue.stages[" + i + "]";
            ScheduleTrigger.Stage stage = stages.get(i);
            if (!names.add(stage.name())) {
                problems.add(node, path + ".name", "Duplicate stage at " + path + ".name: got '" + stage.name() + "', expected a name "
                        + "of its own. Rename it");
            }
            Period after = days(stage.after());
            if (after == null) {
                problems.add(node, path + ".after", "Invalid period at " + path + ".after: got '" + stage.after() + "', expected an "
                        + "ISO-8601 period of days, weeks or months, zero or more, e.g. P7D, P2W or P1M");
            } else if (previous != null && !later(after, previous)) {
                problems.add(node, path + ".after", "Stage out of order at " + path + ".after: got '" + stage.after() + "', expected "
                        + "later than the stage before it. List the stages from the first to the last");
            }
            previous = after == null ? previous : after;
        }
    }

    /** A period of days, weeks or months ({@code P7D}, {@code P2W}, {@code P1M}), zero or more, or null. */
    public static Period days(String text) {
        try {
            Period period = Period.parse(text);
            return period.isNegative() ? null : period;
        } catch (DateTimeParseException | NullPointerException e) {
            return null;
        }
    }

    /** Whether {@code a} comes strictly after {@code b} from any date (months counted as at least 28 days). */
    private static boolean later(Period a, Period b) {
        java.time.LocalDate from = java.time.LocalDate.of(2001, 2, 1);
        return from.plus(a).isAfter(from.plus(b));
    }

    /** An ISO-8601 duration ({@code PT24H}, {@code P2D}), or null when the text is not one. */
    public static Duration duration(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A positive period ({@code P1M}, {@code P1W}) or duration ({@code PT1H}), or null. */
    public static java.time.temporal.TemporalAmount period(String text) {
        Duration duration = duration(text);
        if (duration != null) {
            return duration.isNegative() || duration.isZero() ? null : duration;
        }
        try {
            Period period = Period.parse(text);
            return period.isNegative() || period.isZero() ? null : period;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration positive(String text, Node node, String option, String fix, Problems problems) {
        String path = "on.window." + option;
        if (text == null) {
            problems.add(node, path, "Missing '" + option + "' at on.window: " + fix);
            return null;
        }
        Duration duration = duration(text);
        if (duration == null || duration.isNegative() || duration.isZero()) {
            problems.add(at(node, option), path, "Invalid duration at " + path + ": got '" + text
                    + "', expected a positive ISO-8601 duration, e.g. PT24H or PT30M");
            return null;
        }
        return duration;
    }

    private static void absent(String text, Node node, String option, String why, Problems problems) {
        if (text != null) {
            problems.add(at(node, option), "on.window." + option, "Option '" + option + "' does not apply at on.window." + option
                    + ": " + why + ". Remove it");
        }
    }

    private interface Compile {
        void run();
    }

    private static void expression(Compile compile, String text, Node node, String option, String expected, Problems problems) {
        try {
            compile.run();
        } catch (IllegalArgumentException e) {
            problems.add(at(node, option), "on.window." + option, "Invalid CEL expression at on.window." + option + ": got '"
                    + OptionsBinder.abbreviate(text) + "', expected " + expected + ". " + e.getMessage());
        }
    }

    /** The value node of {@code key} in a mapping, or the mapping itself when the key is not there. */
    private static Node at(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                    return tuple.getValueNode();
                }
            }
        }
        return node;
    }
}
