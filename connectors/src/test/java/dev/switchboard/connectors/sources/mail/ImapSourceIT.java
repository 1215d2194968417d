package dev.switchboard.connectors.sources.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.connectors.sources.ImapSourceFactory;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imap source against a real IMAP server (GreenMail, in this JVM, on 127.0.0.1): each message
 * becomes one email.received event, and is flagged, moved or tagged only after Kafka acknowledged it.
 */
class ImapSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String USER = "support@example.com";
    private static final String PASSWORD = "imap-password";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort());

    @TempDir
    Path dir;

    @BeforeEach
    void createMailbox() {
        MAIL.setUser(USER, USER, PASSWORD);
    }

    private ImapSourceFactory.Options options(String afterProcessing, String moveTo) {
        return YamlOptions.bind(ImapSourceFactory.Options.class, """
                host: 127.0.0.1
                port: %d
                protocol: imap
                starttls: false
                username: %s
                password_env: IMAP_PASSWORD
                folder: INBOX
                after_processing: %s
                move_to: %s
                poll_seconds: 1
                max_messages_per_poll: 50
                topic: it.mail
                ack_timeout_seconds: 2
                """.formatted(MAIL.getImap().getPort(), USER, afterProcessing, moveTo == null ? null : "'" + moveTo + "'"));
    }

    private Source start(ImapSourceFactory.Options options, SourceEnvironment environment) throws Exception {
        ImapSourceFactory factory = new ImapSourceFactory();
        assertThat(factory.check(options, environment)).isEmpty();
        Source source = factory.create("support-mailbox", options, environment);
        source.start();
        return source;
    }

    /** The environment with another publisher. */
    private static SourceEnvironment withPublisher(SourceEnvironment environment, EventPublisher publisher) {
        return new SourceEnvironment() {
            @Override
            public Path baseDir() {
                return environment.baseDir();
            }

            @Override
            public Path stateDir(String sourceName) {
                return environment.stateDir(sourceName);
            }

            @Override
            public java.util.Optional<String> secret(String name) {
                return environment.secret(name);
            }

            @Override
            public EventPublisher events() {
                return publisher;
            }

            @Override
            public HttpIngress http() {
                return environment.http();
            }
        };
    }

    private RecordingEnvironment environment() {
        return new RecordingEnvironment(dir, Map.of("IMAP_PASSWORD", PASSWORD));
    }

    /** A reply with a plain and an HTML body and a PDF attachment, its subject and a name RFC 2047-encoded. */
    private static MimeMessage reply() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("jane@customer.example", "Jane Müller", "UTF-8"));
        message.setRecipients(Message.RecipientType.TO, "support@example.com, \"Doe, John\" <john@example.com>");
        message.setRecipients(Message.RecipientType.CC, "billing@example.com");
        message.setSubject("Re: Rechnung für März", "UTF-8");
        message.setHeader("In-Reply-To", "<reply-to-1@example.com>");
        message.setHeader("References", "<root-1@example.com> <reply-to-1@example.com>");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText("Hello,\n\nthe invoice is twice the amount. Grüße, Jane", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Hello,</p><p>the invoice is <b>twice</b> the amount.</p>", "text/html; charset=UTF-8");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[12_345], "application/pdf")));
        pdf.setFileName("invoice-2026-03.pdf");
        pdf.setDisposition(MimeBodyPart.ATTACHMENT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(pdf);
        message.setContent(mixed);
        message.saveChanges();
        message.setHeader("Message-ID", "<reply-2@customer.example>");
        return message;
    }

    private static MimeMessage htmlOnly(String messageId, String subject) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom("bob@customer.example");
        message.setRecipients(Message.RecipientType.TO, USER);
        message.setSubject(subject);
        message.setContent("<html><body><h1>Order</h1><p>Where is order&nbsp;#42?</p></body></html>", "text/html; charset=UTF-8");
        message.saveChanges();
        message.setHeader("Message-ID", messageId);
        return message;
    }

    private static void deliver(MimeMessage message) {
        MAIL.getUserManager().getUser(USER).deliver(message);
    }

    /** The flags of every message in a folder, read with an IMAP client as a person's mail program would. */
    private static List<Flags> flags(String folderName) throws MessagingException {
        Properties properties = new Properties();
        Store store = Session.getInstance(properties).getStore("imap");
        store.connect("127.0.0.1", MAIL.getImap().getPort(), USER, PASSWORD);
        try {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            try {
                return java.util.Arrays.stream(folder.getMessages()).map(message -> {
                    try {
                        return message.getFlags();
                    } catch (MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void should_publish_email_received_and_flag_it_seen_when_unseen_mail_is_in_the_folder() throws Exception {
        // given
        deliver(reply());
        RecordingEnvironment environment = environment();

        // when
        try (Source source = start(options("seen", null), environment)) {
            await().atMost(PATIENCE).until(() -> environment.published().size() == 1);
            await().atMost(PATIENCE).until(() -> flags("INBOX").get(0).contains(Flags.Flag.SEEN));

            // then the event carries the message, its thread and attachment, and passes the email.received schema
            RecordingEnvironment.Published published = environment.published().get(0);
            JsonNode event = JSON.readTree(published.event());
            assertThat(published.topic()).isEqualTo("it.mail");
            assertThat(published.key()).isEqualTo("<root-1@example.com>");
            assertThat(event.path("type").asText()).isEqualTo("email.received");
            assertThat(event.path("source").asText()).isEqualTo("/email/imap");
            assertThat(event.path("subject").asText()).isEqualTo("<reply-2@customer.example>");
            JsonNode data = event.path("data");
            assertThat(data.path("message_id").asText()).isEqualTo("<reply-2@customer.example>");
            assertThat(data.path("thread_id").asText()).isEqualTo("<root-1@example.com>");
            assertThat(data.path("from").asText()).isEqualTo("Jane Müller <jane@customer.example>");
            assertThat(data.path("to")).extracting(JsonNode::asText)
                    .containsExactly("support@example.com", "\"Doe, John\" <john@example.com>");
            assertThat(data.path("cc")).extracting(JsonNode::asText).containsExactly("billing@example.com");
            assertThat(data.path("subject").asText()).isEqualTo("Re: Rechnung für März");
            assertThat(data.path("text").asText()).isEqualTo("Hello,\n\nthe invoice is twice the amount. Grüße, Jane");
            assertThat(data.path("attachments")).hasSize(1);
            // twelve thousand zero bytes are no PDF: described, and reported unreadable with the parser's reason
            JsonNode attachment = data.path("attachments").get(0);
            assertThat(attachment.path("reason").asText()).startsWith("The PDF cannot be parsed (");
            ((com.fasterxml.jackson.databind.node.ObjectNode) attachment).remove("reason");
            assertThat(attachment).isEqualTo(JSON.readTree("""
                    {"name": "invoice-2026-03.pdf", "content_type": "application/pdf", "size": 12345, "extraction": "unreadable"}"""));
            assertThat(new EventParser().parse(published.event())).isInstanceOf(EventParser.Accepted.class);
            assertThat(source.health()).containsEntry("events_published", 1L);
        }
    }

    @Test
    void should_take_the_text_from_the_html_part_when_the_message_has_no_plain_part() throws Exception {
        // given
        deliver(htmlOnly("<order-42@customer.example>", "Order status"));
        RecordingEnvironment environment = environment();

        // when
        try (Source source = start(options("seen", null), environment)) {
            await().atMost(PATIENCE).until(() -> environment.published().size() == 1);

            // then
            JsonNode data = JSON.readTree(environment.published().get(0).event()).path("data");
            assertThat(data.path("text").asText()).isEqualTo("Order\nWhere is order #42?");
            assertThat(data.path("thread_id").asText()).isEqualTo("<order-42@customer.example>");
            assertThat(data.path("attachments")).isEmpty();
        }
    }

    @Test
    void should_leave_the_message_unseen_and_publish_it_again_with_the_same_id_when_kafka_did_not_acknowledge() throws Exception {
        // given a Kafka that refuses, then recovers
        deliver(htmlOnly("<retry-1@customer.example>", "Refund please"));
        RecordingEnvironment environment = environment();
        AtomicBoolean refusing = new AtomicBoolean(true);
        List<String> attempts = new CopyOnWriteArrayList<>();
        SourceEnvironment flaky = withPublisher(environment, (topic, key, event) -> {
            attempts.add(id(event));
            return refusing.get() ? CompletableFuture.failedFuture(new IllegalStateException("broker down"))
                    : environment.events().publish(topic, key, event);
        });

        try (Source source = start(options("seen", null), flaky)) {
            // when the first polls fail
            await().atMost(PATIENCE).until(() -> attempts.size() >= 2);

            // then the message is still unseen, and nothing was published
            assertThat(flags("INBOX").get(0).contains(Flags.Flag.SEEN)).isFalse();
            assertThat(environment.published()).isEmpty();
            assertThat(source.health()).containsKey("last_error");

            // and when Kafka recovers, it is published once more under the same id, and only then flagged
            refusing.set(false);
            await().atMost(PATIENCE).until(() -> environment.published().size() == 1);
            await().atMost(PATIENCE).until(() -> flags("INBOX").get(0).contains(Flags.Flag.SEEN));
            assertThat(attempts).containsOnly(id(environment.published().get(0).event()));
        }
    }

    @Test
    void should_move_the_message_to_the_folder_when_after_processing_is_move() throws Exception {
        // given a message a person already read: move mode reads every message in the folder
        MimeMessage read = htmlOnly("<read-1@customer.example>", "Already read");
        read.setFlag(Flags.Flag.SEEN, true);
        deliver(read);
        deliver(htmlOnly("<new-1@customer.example>", "New"));
        RecordingEnvironment environment = environment();

        // when
        try (Source source = start(options("move", "Switchboard/Processed"), environment)) {
            await().atMost(PATIENCE).until(() -> environment.published().size() == 2);

            // then both left the inbox for the folder
            await().atMost(PATIENCE).until(() -> flags("INBOX").isEmpty());
            assertThat(flags("Switchboard/Processed")).hasSize(2);
        }
    }

    @Test
    void should_tag_the_message_and_keep_its_seen_flag_when_after_processing_is_keyword() throws Exception {
        // given one unread and one read message
        deliver(htmlOnly("<unread-1@customer.example>", "Unread"));
        MimeMessage read = htmlOnly("<read-2@customer.example>", "Read");
        read.setFlag(Flags.Flag.SEEN, true);
        deliver(read);
        RecordingEnvironment environment = environment();

        // when
        try (Source source = start(options("keyword", null), environment)) {
            await().atMost(PATIENCE).until(() -> environment.published().size() == 2);
            await().atMost(PATIENCE).until(() -> flags("INBOX").stream().allMatch(flags -> flags.contains("switchboard-processed")));

            // then each is tagged, each kept its own \Seen, and later polls publish nothing more
            List<Flags> flags = flags("INBOX");
            assertThat(flags.get(0).contains(Flags.Flag.SEEN)).isFalse();
            assertThat(flags.get(1).contains(Flags.Flag.SEEN)).isTrue();
            long polls = (Long) source.health().get("polls");
            await().atMost(PATIENCE).until(() -> (Long) source.health().get("polls") >= polls + 2);
            assertThat(environment.published()).hasSize(2);
        }
    }

    private static String id(byte[] event) {
        try {
            return JSON.readTree(new String(event, StandardCharsets.UTF_8)).path("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
