package dev.switchboard.workflows.kafka;

import java.util.Objects;

/**
 * This node's place in a KRaft cluster of several nodes, each both broker and controller: its id, the
 * port its controller listens on, every voter as {@code id@127.0.0.1:port,...}, and the cluster id all
 * of them are formatted with. Without one, an {@link EmbeddedKafkaBroker} is a cluster of its own.
 */
public record KafkaQuorum(int nodeId, int controllerPort, String voters, String clusterId) {

    public KafkaQuorum {
        if (nodeId < 0) {
            throw new IllegalArgumentException("nodeId must be 0 or more: " + nodeId);
        }
        if (controllerPort <= 0 || controllerPort > 65_535) {
            throw new IllegalArgumentException("controllerPort must be between 1 and 65535: " + controllerPort);
        }
        Objects.requireNonNull(voters, "voters");
        Objects.requireNonNull(clusterId, "clusterId");
        if (!voters.contains(nodeId + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPort)) {
            throw new IllegalArgumentException("voters '" + voters + "' do not name this node as " + nodeId + "@"
                    + EmbeddedKafkaBroker.HOST + ":" + controllerPort + "; list every node, this one included");
        }
    }
}
