package dev.switchboard.workflows.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** The embedded broker's server configuration: one node, both broker and KRaft controller, on loopback, sized for a laptop. */
final class BrokerConfig {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Keys this class manages itself; overriding them would break the single-node loopback setup. */
    static final Set<String> RESERVED_KEYS = Set.of(
            "process.roles", "node.id", "broker.id",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir");

    private BrokerConfig() {
    }

    /** The server configuration of a single node on loopback, with {@code extra} on top (reserved keys never reach here). */
    static Properties serverProperties(Path logDir, int bPort, int cPort, Map<String, String> extra) {
        return serverProperties(logDir, bPort, cPort, NODE_ID, NODE_ID + "@" + EmbeddedKafkaBroker.HOST + ":" + cPort, extra);
    }

    /** The same for one node of a cluster: its id and every voter ({@code id@host:port,...}). */
    static Properties serverProperties(Path logDir, int bPort, int cPort, int nodeId, String voters, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        // Identity and roles: a node that is both broker and a KRaft voter (alone, unless a quorum is given).
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        // Static quorum: voter endpoints come from here, not from the metadata log, so the controller
        // port may differ between restarts of the same data directory.
        p.put("controller.quorum.voters", voters);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + EmbeddedKafkaBroker.HOST + ":" + bPort + "," + CONTROLLER_LISTENER + "://" + EmbeddedKafkaBroker.HOST + ":" + cPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + EmbeddedKafkaBroker.HOST + ":" + bPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());

        // Single node: internal topics cannot have more than one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        // Developer-friendly topic defaults.
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");

        // Modest footprint for a laptop.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("group.coordinator.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        p.put("log.retention.hours", "168");
        p.put("log.retention.check.interval.ms", "300000");
        p.put("metadata.log.segment.bytes", Integer.toString(16 * 1024 * 1024));

        p.putAll(extra);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }
}
