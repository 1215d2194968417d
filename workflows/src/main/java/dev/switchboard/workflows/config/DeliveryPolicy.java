package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often and how long delivery tries one task before it dead-letters it: for every sink
 * ({@code delivery:}) or for one ({@code delivery.sinks.<name>:}). Waits of seconds and hours alike
 * are kept in Kafka's retry topics, never on a consumer thread, so a schedule may outlast a restart.
 */
public record DeliveryPolicy(
        @Option(description = "Waits before the second, third, ... attempt, e.g. `[5s, 5m, 30m, 2h]` (`ms`, `s`, `m`, `h`, `d`, or ISO-8601 "
                + "such as `PT5M`). The default is the Standard Webhooks schedule: 8 attempts over about 28 hours, which outlives a "
                + "receiver's restart, deploy or night-long outage. A sink's `Retry-After` longer than the wait is honoured.",
                defaultValue = "[5s, 5m, 30m, 2h, 5h, 10h, 10h]")
        List<String> schedule,
        @Option(description = "Attempts per task before it goes to the dead-letter topic. Unset: one more than the schedule's length (8 with "
                + "the default schedule). More attempts than that repeat the schedule's last wait.", minimum = 1, maximum = 1000)
        @JsonProperty("max_attempts") Integer maxAttempts,
        @Option(description = "Exponential backoff instead of `schedule`: the wait before the second attempt in milliseconds, give or take "
                + "half (jitter), doubling each attempt up to `max_backoff_ms`. Unset: `schedule` gives the waits.", minimum = 0)
        @JsonProperty("initial_backoff_ms") Integer initialBackoffMs,
        @Option(description = "Longest wait between attempts, in milliseconds; also caps a sink's `Retry-After`. Unset: the schedule's "
                + "longest wait.", minimum = 0)
        @JsonProperty("max_backoff_ms") Integer maxBackoffMs) {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    public static DeliveryPolicy defaults() {
        return DefaultOptions.of(DeliveryPolicy.class);
    }

    /** The schedule's waits; call after {@link #check} found nothing. */
    public List<Duration> waits() {
        return schedule.stream().map(DeliveryPolicy::duration).toList();
    }

    /** Problems the options' declared types and bounds cannot express: each wait readable, at least one. */
    public List<OptionProblem> check() {
        List<OptionProblem> problems = new ArrayList<>();
        if (schedule.isEmpty()) {
            problems.add(OptionProblem.at("schedule", "Empty schedule").expected("at least one wait")
                    .fix("Give e.g. [5s, 5m, 30m], or leave schedule out for the default"));
        }
        for (int i = 0; i < schedule.size(); i++) {
            if (duration(schedule.get(i)) == null) {
                problems.add(OptionProblem.at("schedule[" + i + "]", "Unreadable wait").got(schedule.get(i))
                        .expected("a number with ms, s, m, h or d (5s, 30m, 2h), or an ISO-8601 duration (PT5M)").fix("Write e.g. 5m"));
            }
        }
        return problems;
    }

    /** A wait as written, or null when it is not one. */
    static Duration duration(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = SHORT.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            Duration duration = Duration.parse(text.trim());
            return duration.isNegative() ? null : duration;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
