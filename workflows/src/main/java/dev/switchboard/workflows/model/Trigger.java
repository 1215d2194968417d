package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.Option;
import java.util.List;

/** The {@code on:} section: which events start the workflow. */
public record Trigger(
        @Option(description = "Kafka topic to read CloudEvents from.", defaultValue = "switchboard.events")
        String topic,
        @Option(description = "CloudEvent types that start the workflow, e.g. `ticket.created`.", required = true)
        List<String> types,
        @Option(description = "CEL condition over `event`; events for which it is false are skipped.", cel = true)
        String filter,
        @Option(description = "Where a new workflow starts reading: `earliest` replays the topic, `latest` takes new events only.",
                defaultValue = "latest", allowed = {"earliest", "latest"})
        String start) {

    public static final String DEFAULT_TOPIC = "switchboard.events";

    public String topicOrDefault() {
        return topic == null ? DEFAULT_TOPIC : topic;
    }

    public String startOrDefault() {
        return start == null ? "latest" : start;
    }
}
