package dev.switchboard.workflows.reliability;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * Three Kafka nodes (broker and KRaft controller each) as three processes on 127.0.0.1, so that a test
 * can SIGKILL one and start it again on its data and ports. Each node logs to
 * {@code target/reliability/<name>-kafka-<id>.log}, kept after the run.
 */
final class KafkaCluster implements AutoCloseable {

    static final int SIZE = 3;

    private final Path dir;
    private final String name;
    private final int[] brokerPorts = new int[SIZE];
    private final int[] controllerPorts = new int[SIZE];
    private final Process[] nodes = new Process[SIZE];
    private final String voters;
    private final String clusterId = Uuid.randomUuid().toString();

    /** @param name names the node logs */
    KafkaCluster(Path dir, String name) throws IOException {
        this.dir = dir;
        this.name = name;
        List<String> voterList = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            brokerPorts[i] = freePort();
            controllerPorts[i] = freePort();
            voterList.add(nodeId(i) + "@127.0.0.1:" + controllerPorts[i]);
        }
        voters = String.join(",", voterList);
    }

    /** Starts every node and waits until each says it is ready (a node is ready only once a quorum stands). */
    KafkaCluster start() {
        for (int i = 0; i < SIZE; i++) {
            launch(i);
        }
        for (int i = 0; i < SIZE; i++) {
            awaitReady(i);
        }
        return this;
    }

    String bootstrap() {
        List<String> servers = new ArrayList<>();
        for (int port : brokerPorts) {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    static int nodeId(int index) {
        return index + 1;
    }

    /** SIGKILL: no controlled shutdown, no flush. */
    void kill(int nodeId) throws InterruptedException {
        Process node = nodes[nodeId - 1];
        node.destroyForcibly();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Kafka node " + nodeId + " did not die after SIGKILL");
        }
    }

    /** Starts a killed node again on its data and ports, and waits until it is ready. */
    void restart(int nodeId) {
        launch(nodeId - 1);
        awaitReady(nodeId - 1);
    }

    /** The node that leads the KRaft quorum now (the active controller). */
    int activeController() throws Exception {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        }
    }

    /** Waits until every partition of these topics has all its replicas in sync again. */
    void awaitFullIsr(Set<String> topics, Duration patience) {
        try (Admin admin = admin()) {
            Awaitility.await("every replica of " + topics + " in sync").atMost(patience).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
                        return described.values().stream().flatMap(d -> d.partitions().stream())
                                .allMatch((TopicPartitionInfo p) -> p.isr().size() == p.replicas().size());
                    });
        }
    }

    /** The leader of each partition of the topic, for a failure message. */
    String leaders(String topic) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription described = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return described.partitions().stream().map(p -> p.partition() + "->" + (p.leader() == null ? "none" : p.leader().id()))
                    .collect(Collectors.joining(" "));
        }
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    private void launch(int index) {
        int nodeId = nodeId(index);
        Path log = log(nodeId);
        try {
            // one per node: a JVM still reading the file would see it truncated by the next launch
            Path argFile = dir.resolve("kafka-" + nodeId + "-classpath.args");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Files.writeString(argFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "@" + argFile,
                    KafkaClusterNode.class.getName(), Integer.toString(nodeId), Integer.toString(brokerPorts[index]),
                    Integer.toString(controllerPorts[index]), voters, clusterId, dir.resolve("node-" + nodeId).toString());
            Files.writeString(log, System.lineSeparator() + "=== start ===" + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            nodes[index] = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka node " + nodeId, e);
        }
    }

    private void awaitReady(int index) {
        int nodeId = nodeId(index);
        Path log = log(nodeId);
        Awaitility.await("Kafka node " + nodeId + " ready; see " + log).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!nodes[index].isAlive()) {
                        throw new IllegalStateException("Kafka node " + nodeId + " exited with " + nodes[index].exitValue() + "; see " + log);
                    }
                    String text = Files.readString(log, StandardCharsets.UTF_8);
                    return text.substring(text.lastIndexOf("=== start ===")).contains(KafkaClusterNode.READY);
                });
    }

    Path log(int nodeId) {
        return Logs.file(name + "-kafka-" + nodeId + ".log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process node : nodes) {
            if (node != null && node.isAlive()) {
                node.destroyForcibly();
                node.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster" + List.of(bootstrap()) + " in " + dir + File.separator;
    }
}
