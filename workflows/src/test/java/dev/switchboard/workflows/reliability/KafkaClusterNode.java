package dev.switchboard.workflows.reliability;

import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.kafka.KafkaQuorum;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One node of {@link KafkaCluster}, in a process of its own so that a test can SIGKILL it: broker and
 * controller, internal topics at three replicas, every topic at least two in sync.
 * Arguments: node id, broker port, controller port, voters, cluster id, data directory.
 */
public final class KafkaClusterNode {

    static final String READY = "kafka cluster node ready";

    private KafkaClusterNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        // a test JVM that dies (killed, timed out) must not leave brokers behind
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        int nodeId = Integer.parseInt(args[0]);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .dataDir(Path.of(args[5]))
                .port(Integer.parseInt(args[1]))
                .quorum(new KafkaQuorum(nodeId, Integer.parseInt(args[2]), args[3], args[4]))
                .property("default.replication.factor", "3")
                .property("min.insync.replicas", "2")
                .property("offsets.topic.replication.factor", "3")
                .property("transaction.state.log.replication.factor", "3")
                .property("transaction.state.log.min.isr", "2")
                .property("share.coordinator.state.topic.replication.factor", "3")
                .property("share.coordinator.state.topic.min.isr", "2")
                // a killed node's partitions get new leaders after this long without heartbeats
                .property("broker.session.timeout.ms", "6000")
                .property("broker.heartbeat.interval.ms", "1000")
                .property("auto.create.topics.enable", "false")
                .build();
        broker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-cluster-node-stop"));
        System.out.println(READY + " " + nodeId + " at " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
