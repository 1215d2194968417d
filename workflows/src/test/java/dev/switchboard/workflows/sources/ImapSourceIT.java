package dev.switchboard.workflows.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imap source in a real engine: a real IMAP server (GreenMail, in this JVM), the embedded Kafka
 * broker, and the inbox-email-triage example workflow (embedded model) with its n8n sink pointed at
 * a local receiver. Each message arrives on the topic as an email.received CloudEvent, is moved out
 * of the inbox once Kafka has it, and reaches n8n with its label unless it is a newsletter.
 */
@ExtendWith(SharedKafka.class)
class ImapSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String USER = "support@example.com";
    private static final String PASSWORD = "imap-it-password";
    private static final Set<String> LABELS = Set.of("billing", "bug", "account_access", "sales", "newsletter");

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void should_publish_email_received_and_hand_classified_mail_to_n8n_when_mail_arrives(SharedKafka.Bootstrap kafka) throws Exception {
        // given a mailbox with three messages, the example workflow and an n8n-shaped receiver
        MAIL.setUser(USER, USER, PASSWORD);
        deliver("<inv-1@customer.example>", null, "Charged twice for invoice 2291",
                "Hello, my card was charged twice for the March invoice. Please refund the second payment.");
        deliver("<crash-1@customer.example>", "<inv-1@customer.example>", "Re: App crashes on export",
                "The app crashes with an error every time I export a report to PDF.");
        deliver("<login-1@customer.example>", null, "Cannot log in",
                "I reset my password twice and still cannot log in, the two-factor code is never accepted.");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.mail." + suffix;
        try (TaskReceiver n8n = new TaskReceiver()) {
            Path workflow = exampleOnTopic("inbox-email-triage.yaml", topic);
            Files.writeString(dir.resolve("imap.password"), PASSWORD + "\n");
            Files.writeString(dir.resolve("n8n.secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
            String config = """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: it.mail.tasks.%s
                      dead_letter: it.mail.dlq.%s
                      deliveries: it.mail.deliveries.%s
                    http:
                      port: 0
                    sinks:
                      n8n-triage:
                        n8n:
                          url: %s
                          secret_file: n8n.secret
                    outbound:
                      allowed_hosts: [%s]
                    sources:
                      support-mailbox:
                        imap:
                          host: 127.0.0.1
                          port: %d
                          protocol: imap
                          starttls: false
                          username: %s
                          password_file: imap.password
                          after_processing: move
                          move_to: Switchboard/Processed
                          poll_seconds: 1
                          topic: %s
                    """.formatted(kafka.servers(), suffix, suffix, suffix, n8n.url(), n8n.hostAndPort(), MAIL.getImap().getPort(), USER, topic);
            EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("imap-it.yaml", config, dir);
            assertThat(loaded.problems()).isEmpty();

            try (Engine engine = Engine.builder(loaded.config()).build(); KafkaConsumer<String, byte[]> consumer = consumer(kafka.servers(), topic)) {
                WorkflowLoader.Result triage = engine.loader().load(workflow);
                assertThat(triage.problems()).isEmpty();

                // when the engine runs
                engine.start(List.of(triage.workflow()));

                // then each message is one email.received event, keyed by its thread, valid against the schema
                List<ConsumerRecord<String, byte[]>> records = poll(consumer, 3);
                assertThat(records).hasSize(3);
                for (ConsumerRecord<String, byte[]> record : records) {
                    assertThat(new EventParser().parse(record.value())).isInstanceOf(EventParser.Accepted.class);
                }
                JsonNode reply = records.stream().map(ImapSourceIT::json)
                        .filter(event -> event.path("data").path("message_id").asText().equals("<crash-1@customer.example>"))
                        .findFirst().orElseThrow();
                assertThat(reply.path("type").asText()).isEqualTo("email.received");
                assertThat(reply.path("source").asText()).isEqualTo("/email/imap");
                assertThat(reply.path("data").path("thread_id").asText()).isEqualTo("<inv-1@customer.example>");
                assertThat(reply.path("data").path("from").asText()).isEqualTo("customer@customer.example");
                assertThat(reply.path("data").path("text").asText()).contains("crashes");
                assertThat(records).extracting(ConsumerRecord::key).contains("<inv-1@customer.example>", "<login-1@customer.example>");

                // and the mail left the inbox for the processed folder
                await().atMost(PATIENCE).until(() -> count("INBOX") == 0 && count("Switchboard/Processed") == 3);

                // and n8n receives each message that is not a newsletter, labelled from the set, once
                await().atMost(PATIENCE).pollDelay(Duration.ofSeconds(2)).until(() -> !n8n.tasks().isEmpty());
                assertThat(n8n.tasks().size()).isBetween(1, 3);
                for (String body : n8n.tasks().values()) {
                    JsonNode task = JSON.readTree(body);
                    String label = task.path("fields").path("label").asText();
                    assertThat(LABELS).contains(label);
                    assertThat(label).isNotEqualTo("newsletter");
                    assertThat(task.path("title").asText()).startsWith("[" + label + "] ");
                    assertThat(task.path("fields").path("message_id").asText()).endsWith("@customer.example>");
                }
                assertThat(n8n.duplicates()).isZero();
            }
        }
    }

    private static void deliver(String messageId, String inReplyTo, String subject, String text) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom("customer@customer.example");
        message.setRecipients(Message.RecipientType.TO, USER);
        message.setSubject(subject);
        message.setText(text, "UTF-8");
        if (inReplyTo != null) {
            message.setHeader("In-Reply-To", inReplyTo);
            message.setHeader("References", inReplyTo);
        }
        message.saveChanges();
        message.setHeader("Message-ID", messageId);
        MAIL.getUserManager().getUser(USER).deliver(message);
    }

    /** Messages in a folder, counted over IMAP as a mail program would. */
    private static int count(String name) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", MAIL.getImap().getPort(), USER, PASSWORD);
        try {
            Folder folder = store.getFolder(name);
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            try {
                return (int) java.util.Arrays.stream(folder.getMessages()).filter(message -> {
                    try {
                        return !message.isSet(jakarta.mail.Flags.Flag.DELETED);
                    } catch (MessagingException e) {
                        return true;
                    }
                }).count();
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** The example workflow as shipped, reading this test's topic instead of switchboard.events. */
    private Path exampleOnTopic(String example, String topic) throws IOException {
        String text = Files.readString(Path.of("examples").resolve(example));
        assertThat(text).contains("  topic: switchboard.events\n");
        Path copy = dir.resolve(example);
        Files.writeString(copy, text.replace("  topic: switchboard.events\n", "  topic: " + topic + "\n  start: earliest\n"));
        return copy;
    }

    private static KafkaConsumer<String, byte[]> consumer(String servers, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-mail-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> consumer, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records.size() >= count;
        });
        return records;
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
