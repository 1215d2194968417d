package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/**
 * The {@code kafka.streams:} section: the Kafka Streams stages (deduplication, CRM tables) and where
 * their state lives. Windowed and scheduled workflows need nothing here: their stages follow from
 * the workflow files. Names of applications, stores and topics are in docs/state.md.
 */
public record StreamsSettings(
        @Option(description = "Where the stages keep their local state (RocksDB); it is rebuilt from the changelog topics when lost.",
                defaultValue = ".switchboard/streams")
        @JsonProperty("state_dir") String stateDir,
        @Option(description = "Host name other engine instances reach this one at, for CRM lookups of keys it holds "
                + "(Kafka Streams `application.server`, with the HTTP listener's port). Default: http.host, or 127.0.0.1 when that is 0.0.0.0.")
        @JsonProperty("advertised_host") String advertisedHost,
        @Option(description = "Environment variable holding the token engine instances send each other on `/internal/crm/lookup`. "
                + "Unset: each process makes up a token of its own, so a single instance works and instances refuse each other's lookups; "
                + "requests from the loopback address are not trusted without it.", defaultValue = "SWITCHBOARD_PEER_TOKEN", secret = true)
        @JsonProperty("peer_token_env") String peerTokenEnv,
        @Option(description = "Drop events seen before: reads `input`, writes each event once to `output`, which workflows then name in `on.topic`.")
        Dedup dedup,
        @Option(description = "CRM tables (contacts, companies, deals, owners) built from Debezium-shaped `crm.<entity>.*` change events, "
                + "read by the `crm.lookup` step.")
        Crm crm) {

    public static StreamsSettings defaults() {
        return DefaultOptions.of(StreamsSettings.class);
    }

    /** {@code kafka.streams.dedup}. */
    public record Dedup(
            @Option(description = "Topic of raw events.", defaultValue = "switchboard.events")
            String input,
            @Option(description = "Topic the unique events are written to.", defaultValue = "switchboard.events.unique")
            String output,
            @Option(description = "How long an event's key is remembered, as an ISO-8601 duration (by event time).", defaultValue = "PT24H")
            String window,
            @Option(description = "CEL expression over `event` that identifies an event; two events with the same value within "
                    + "`window` are one. The default is the event's identity as CloudEvents defines it, its source and id: ids are "
                    + "unique only within a source. A list is compared as a whole.", defaultValue = "[event.source, event.id]")
            String key) {
    }

    /** {@code kafka.streams.crm}. */
    public record Crm(
            @Option(description = "Topics carrying the CRM change events (`crm.contact.*`, `crm.company.*`, `crm.deal.*`, `crm.owner.*`). "
                    + "Only change-data-capture sources may publish to them: the configuration refuses a webhook or other external source "
                    + "whose `topic` is one of these.", defaultValue = "[" + ReservedEventTypes.CDC_TOPIC + "]")
            List<String> topics,
            @Option(description = "How long a lookup waits for the tables (restoring after a start or a rebalance) before it fails and is retried.",
                    defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("wait_seconds") Integer waitSeconds) {
    }
}
