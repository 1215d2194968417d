package dev.switchboard.connectors.sources.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.connectors.sources.ImapSourceFactory;
import dev.switchboard.connectors.sources.attachment.TestPdfs;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.Source;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imap source reading the text of PDF attachments against a real IMAP server (GreenMail): an
 * invoice, then a malformed PDF, a decompression bomb, an encrypted PDF, a scan and a PDF that takes
 * forever to read. Every message is published with the text or the reason there is none, and flagged
 * processed: the hostile files cost a bounded wait, never the mailbox.
 */
class ImapAttachmentTextIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String USER = "invoices@example.com";
    private static final String PASSWORD = "imap-password";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void should_publish_every_message_with_text_or_a_reason_when_attachments_are_malformed_hostile_or_slow() throws Exception {
        // given a mailbox with an invoice and five PDFs that cannot or must not be read in full
        MAIL.setUser(USER, USER, PASSWORD);
        Map<String, byte[]> pdfs = new LinkedHashMap<>();
        pdfs.put("invoice", TestPdfs.text("Rechnung RE-26-10394", "Gesamtbetrag EUR 1.190,00"));
        pdfs.put("malformed", TestPdfs.truncated("Invoice HT-2215\nTotal CHF 550.00"));
        pdfs.put("bomb", TestPdfs.decompressionBomb(512L * 1024 * 1024));
        pdfs.put("encrypted", TestPdfs.encrypted("Invoice QL20935", "northwind"));
        pdfs.put("scan", TestPdfs.imageOnly(1));
        pdfs.put("slow", TestPdfs.slow(50_000));
        pdfs.forEach(ImapAttachmentTextIT::deliver);
        RecordingEnvironment environment = new RecordingEnvironment(dir, Map.of("IMAP_PASSWORD", PASSWORD));
        ImapSourceFactory factory = new ImapSourceFactory();
        ImapSourceFactory.Options options = YamlOptions.bind(ImapSourceFactory.Options.class, """
                host: 127.0.0.1
                port: %d
                protocol: imap
                starttls: false
                username: %s
                password_env: IMAP_PASSWORD
                poll_seconds: 1
                topic: it.invoices
                attachment_timeout_seconds: 3
                """.formatted(MAIL.getImap().getPort(), USER));
        assertThat(factory.check(options, environment)).isEmpty();

        // when the source polls the mailbox
        try (Source source = factory.create("invoice-mailbox", options, environment)) {
            source.start();
            await().atMost(PATIENCE).until(() -> environment.published().size() == pdfs.size());
            await().atMost(PATIENCE).until(() -> seen() == pdfs.size());

            // then every message was published once, valid against email.received, its attachment described
            Map<String, JsonNode> attachments = new LinkedHashMap<>();
            for (RecordingEnvironment.Published published : environment.published()) {
                assertThat(new EventParser().parse(published.event())).isInstanceOf(EventParser.Accepted.class);
                JsonNode data = JSON.readTree(published.event()).path("data");
                attachments.put(data.path("subject").asText(), data.path("attachments").get(0));
            }
            assertThat(attachments).containsOnlyKeys(pdfs.keySet());
            assertThat(attachments.get("invoice").path("extraction").asText()).isEqualTo("ok");
            assertThat(attachments.get("invoice").path("text").asText()).contains("Rechnung RE-26-10394", "Gesamtbetrag EUR 1.190,00");
            assertThat(attachments.get("invoice").path("pages").asInt()).isEqualTo(2);
            assertThat(attachments.get("malformed").path("extraction").asText()).isEqualTo("unreadable");
            assertThat(attachments.get("bomb").path("extraction").asText()).isEqualTo("too_large");
            assertThat(attachments.get("bomb").path("reason").asText()).contains("decompression bomb");
            assertThat(attachments.get("encrypted").path("extraction").asText()).isEqualTo("encrypted");
            assertThat(attachments.get("scan").path("extraction").asText()).isEqualTo("no_text");
            assertThat(attachments.get("slow").path("extraction").asText()).isEqualTo("timeout");
            assertThat(attachments.values()).allSatisfy(attachment -> {
                assertThat(attachment.path("content_type").asText()).isEqualTo("application/pdf");
                assertThat(attachment.path("size").asLong()).isPositive();
            });
            assertThat(source.health()).containsEntry("events_published", (long) pdfs.size());
        }
    }

    /** One message per PDF, its subject the PDF's name. */
    private static void deliver(String name, byte[] pdf) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom("billing@supplier.example");
            message.setRecipients(Message.RecipientType.TO, USER);
            message.setSubject(name);
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Please find our invoice attached.", "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(pdf, "application/pdf")));
            file.setFileName(name + ".pdf");
            file.setDisposition(MimeBodyPart.ATTACHMENT);
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(text);
            mixed.addBodyPart(file);
            message.setContent(mixed);
            message.saveChanges();
            message.setHeader("Message-ID", "<" + name + "@supplier.example>");
            MAIL.getUserManager().getUser(USER).deliver(message);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages of the inbox flagged \Seen, read over IMAP as a mail program would. */
    private static long seen() throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", MAIL.getImap().getPort(), USER, PASSWORD);
        try {
            Folder folder = store.getFolder("INBOX");
            folder.open(Folder.READ_ONLY);
            try {
                return Arrays.stream(folder.getMessages()).filter(message -> {
                    try {
                        return message.isSet(Flags.Flag.SEEN);
                    } catch (MessagingException e) {
                        return false;
                    }
                }).count();
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }
}
