package dev.switchboard.workflows.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real Kafka server in-process; each test owns its broker and data directory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerIT {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    @Test
    void should_consume_all_produced_records_when_broker_started_in_empty_data_dir() throws Exception {
        // given
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(0).build()) {
            broker.start();
            broker.start(); // idempotent while running
            String bootstrap = broker.bootstrapServers();
            createTopic(bootstrap, "orders", 3);

            // when
            produce(bootstrap, "orders", 0, 100);
            List<ConsumerRecord<String, String>> consumed = consumeFromBeginning(bootstrap, "orders", 100);

            // then
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(consumed).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(values(0, 100));
            assertThat(consumed).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
            assertThat(dataDir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME).resolve("meta.properties")).isRegularFile();
        }
    }

    @Test
    void should_keep_records_and_committed_offsets_when_broker_restarted_on_same_data_dir() throws Exception {
        // given: records produced and consumed (offsets committed) by a group, then more records produced
        String topic = "events";
        String group = "restart-group";
        String clusterIdBefore;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            first.start();
            clusterIdBefore = first.clusterId();
            createTopic(first.bootstrapServers(), topic, 1);
            produce(first.bootstrapServers(), topic, 0, 100);
            try (KafkaConsumer<String, String> consumer = groupConsumer(first.bootstrapServers(), group)) {
                consumer.subscribe(List.of(topic));
                assertThat(pollUntil(consumer, 100)).hasSize(100);
                consumer.commitSync();
            }
            produce(first.bootstrapServers(), topic, 100, 10);
        }

        // when: a brand-new broker instance starts on the same data directory
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            second.start();
            String bootstrap = second.bootstrapServers();

            // then: same cluster, all records still there
            assertThat(second.clusterId()).isEqualTo(clusterIdBefore);
            assertThat(consumeFromBeginning(bootstrap, topic, 110)).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(values(0, 110));

            // and: the group's committed offset survived, so it resumes after the records it had consumed
            try (Admin admin = admin(bootstrap)) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                assertThat(offsets).containsKey(new TopicPartition(topic, 0));
                assertThat(offsets.get(new TopicPartition(topic, 0)).offset()).isEqualTo(100L);
            }
            try (KafkaConsumer<String, String> consumer = groupConsumer(bootstrap, group)) {
                consumer.subscribe(List.of(topic));
                assertThat(pollUntil(consumer, 10)).extracting(ConsumerRecord::value)
                        .containsExactlyElementsOf(values(100, 10));
            }
        }
    }

    @Test
    void should_accept_connections_only_on_loopback_when_started() throws Exception {
        // given
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
            broker.start();
            List<Integer> ports = List.of(broker.port(), broker.controllerPort());

            // when
            Collection<Node> nodes;
            try (Admin admin = admin(broker.bootstrapServers())) {
                nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            }

            // then: advertised on loopback, reachable on loopback ...
            assertThat(nodes).singleElement().satisfies(node -> {
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isEqualTo(broker.port());
            });
            for (int port : ports) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                    assertThat(socket.isConnected()).isTrue();
                }
            }
            // ... the kernel lists every listening socket of both ports on 127.0.0.1 only (Linux) ...
            Path procNetTcp = Path.of("/proc/net/tcp");
            if (Files.isReadable(procNetTcp)) {
                for (int port : ports) {
                    assertThat(listeningAddresses(port)).as("listening addresses of port %d", port)
                            .containsExactly("0100007F");
                }
            }
            // ... and connecting through any non-loopback address of this machine is refused.
            for (InetAddress address : nonLoopbackAddresses()) {
                for (int port : ports) {
                    assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(address, port), 2_000);
                        }
                    }).as("connect to %s:%d", address.getHostAddress(), port).isInstanceOf(IOException.class);
                }
            }
        }
    }

    @Test
    void should_reject_property_when_it_is_managed_by_the_embedded_broker() {
        // given
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().dataDir(dataDir);

        // when / then
        assertThatThrownBy(() -> builder.property("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
    }

    // ---------------------------------------------------------------------------------------------

    private static List<String> values(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "value-" + i).toList();
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
    }

    private static void produce(String bootstrap, String topic, int from, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            for (Future<?> send : sends) {
                send.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private static KafkaConsumer<String, String> groupConsumer(String bootstrap, String group) {
        Properties props = consumerProps(bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return new KafkaConsumer<>(props);
    }

    /** Reads a topic from the beginning without a consumer group. */
    private static List<ConsumerRecord<String, String>> consumeFromBeginning(String bootstrap, String topic, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return pollUntil(consumer, expected);
        }
    }

    /** Polls until {@code expected} records arrived or {@link #CONSUME_TIMEOUT} passed. */
    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(250)).forEach(records::add);
        }
        return records;
    }

    /**
     * Local IPv4/IPv6 addresses (hex, as the kernel prints them; {@code 0100007F} is 127.0.0.1) of the
     * sockets listening on {@code port}.
     */
    private static Set<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        Set<String> addresses = new TreeSet<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                boolean listening = "0A".equals(fields[3]);
                if (listening && local[1].equals(hexPort)) {
                    // Java listens on dual-stack sockets: 127.0.0.1 shows up as ::ffff:127.0.0.1 in tcp6.
                    String ipv4MappedPrefix = "0000000000000000FFFF0000";
                    addresses.add(local[0].startsWith(ipv4MappedPrefix)
                            ? local[0].substring(ipv4MappedPrefix.length()) : local[0]);
                }
            }
        }
        return addresses;
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            nic.inetAddresses().filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).forEach(addresses::add);
        }
        return addresses;
    }
}
