package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.http.HttpListener;
import dev.switchboard.workflows.streams.CrmTables;
import dev.switchboard.workflows.streams.StreamsStages;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The Kafka Streams stages as a service. With the HTTP listener on, the CRM tables answer other
 * instances' lookups on the public listener, at the address this instance advertises.
 *
 * @param http the public listener, or null when it is off
 */
record StreamsService(StreamsStages streams, List<Workflow> workflows, EngineConfig config, KafkaConnection kafka, HttpListener http)
        implements Service {

    /** Largest lookup request from another instance. */
    private static final int MAX_LOOKUP_BYTES = 4096;

    @Override
    public void start() {
        HostInfo advertised = null;
        if (http != null) {
            advertised = new HostInfo(advertisedHost(), http.port());
            streams.crm().ifPresent(tables -> http.route(CrmTables.PATH, MAX_LOOKUP_BYTES, tables::handle));
        }
        try {
            streams.start(workflows, kafka.bootstrapServers(), kafka.clientProperties(), advertised);
        } catch (RuntimeException e) {
            streams.close();
            throw e;
        }
    }

    /** {@code kafka.streams.advertised_host}, else the listener's host, or 127.0.0.1 when it listens on every address. */
    private String advertisedHost() {
        String host = config.kafka().streams() == null ? null : config.kafka().streams().advertisedHost();
        if (host != null) {
            return host;
        }
        return config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
    }

    @Override
    public void stop() {
        streams.close();
    }
}
