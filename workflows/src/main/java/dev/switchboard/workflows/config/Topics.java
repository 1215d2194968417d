package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code topics:} section: names of the topics Switchboard writes. */
public record Topics(
        @Option(description = "The outbox: tasks written by workflows, read by delivery.", defaultValue = "switchboard.tasks")
        String tasks,
        @Option(description = "Dead letters: the original bytes of events and tasks that failed, with the reason and stage in headers.", defaultValue = "switchboard.dlq")
        @JsonProperty("dead_letter") String deadLetter,
        @Option(description = "Delivery receipts: one record per delivered or dead-lettered task, keyed by task id.", defaultValue = "switchboard.deliveries")
        String deliveries,
        @Option(description = "Human review: events held because no model answered well enough, with what each model said.", defaultValue = "switchboard.review")
        String review,
        @Option(description = "Audit: one record per model call (prompt version, model, tokens, latency, cost, cache hit, outcome).", defaultValue = "switchboard.audit")
        String audit,
        @Option(description = "Review decisions: a person's approval or rejection of a held event, written by `switchboard review` and the "
                + "admin API, read by the workflows. Internal: no source may write it (nor any topic of this section).",
                defaultValue = "switchboard.review.decisions")
        String decisions,
        @Option(description = "Step trace: one record per step an event went through (outcome, output or reason), keyed by event id; "
                + "`switchboard explain` reads it.", defaultValue = "switchboard.trace")
        String trace,
        @Option(description = "Prompts: the text behind every prompt version the workflows send, keyed by version, written at start "
                + "(compacted: each version once); `switchboard prompts show` reads it.", defaultValue = "switchboard.prompts")
        String prompts) {

    /** The topics of the five first names, and the default decisions and trace topics. */
    public Topics(String tasks, String deadLetter, String deliveries, String review, String audit) {
        this(tasks, deadLetter, deliveries, review, audit, defaults().decisions());
    }

    /** The topics of the six first names and the default trace topic. */
    public Topics(String tasks, String deadLetter, String deliveries, String review, String audit, String decisions) {
        this(tasks, deadLetter, deliveries, review, audit, decisions, defaults().trace());
    }

    /** The topics of the seven first names and the default prompts topic. */
    public Topics(String tasks, String deadLetter, String deliveries, String review, String audit, String decisions, String trace) {
        this(tasks, deadLetter, deliveries, review, audit, decisions, trace, defaults().prompts());
    }

    public static Topics defaults() {
        return DefaultOptions.of(Topics.class);
    }

    /** Every topic of this section, each once. */
    public Set<String> all() {
        return new LinkedHashSet<>(List.of(tasks, deadLetter, deliveries, review, audit, decisions, trace, prompts));
    }
}
