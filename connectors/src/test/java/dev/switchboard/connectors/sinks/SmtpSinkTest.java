package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The smtp sink against GreenMail's SMTP and SMTPS servers: what the message holds, and how failures come back. */
class SmtpSinkTest {

    private static final String PASSWORD = "smtp-test-password-93ab";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("finance@northwind.example", "finance", PASSWORD));

    @TempDir
    Path dir;

    private SinkEnvironment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1"), Map.of("SMTP_PASSWORD", PASSWORD));
    }

    private TaskSink sink(String yaml) {
        SmtpSinkFactory.Options options = YamlOptions.bind(SmtpSinkFactory.Options.class, yaml);
        assertThat(new SmtpSinkFactory().check(options, environment())).isEmpty();
        return new SmtpSinkFactory().create("finance-mail", options, environment());
    }

    private static String plain(String extra) {
        return """
                host: 127.0.0.1
                port: %d
                security: none
                username: finance
                password_env: SMTP_PASSWORD
                from: "Northwind Finance <finance@northwind.example>"
                to: "{{ task.fields.email }}"
                timeout_seconds: 5
                """.formatted(MAIL.getSmtp().getPort()) + extra;
    }

    private static Task reminder(String email) {
        return SinkTesting.task("evt-reminder-1", Map.of("email", email, "invoice", "FA-2026-0414"));
    }

    @Test
    void should_send_one_message_with_rendered_recipients_subject_and_body_and_the_task_message_id_when_a_task_is_delivered()
            throws Exception {
        // given
        Task task = reminder("Ada Lovelace <ada@customer.example>");

        // when
        DeliveryResult result;
        try (TaskSink sink = sink(plain("cc: billing@customer.example\nsubject: \"Reminder: {{ task.fields.invoice }}\"\n"))) {
            result = sink.deliver(task);
        }

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient's mailbox
        MimeMessage message = received[0];
        assertThat(message.getMessageID()).isEqualTo("<" + task.id() + "@northwind.example>");
        assertThat(message.getFrom()[0].toString()).isEqualTo("Northwind Finance <finance@northwind.example>");
        assertThat(message.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("Ada Lovelace <ada@customer.example>");
        assertThat(message.getRecipients(Message.RecipientType.CC)[0].toString()).isEqualTo("billing@customer.example");
        assertThat(message.getSubject()).isEqualTo("Reminder: FA-2026-0414");
        assertThat(((String) message.getContent()).replace("\r\n", "\n")).isEqualTo(task.body());
    }

    @Test
    void should_send_html_with_escaped_values_and_keep_task_data_out_of_headers_when_values_hold_markup_and_line_breaks()
            throws Exception {
        // given a task whose title tries to add a header, and whose body holds markup
        Task task = new Task(Task.idFor("reminders", "/finance", "evt-2", "mail"), "reminders", "mail", "finance-mail", "evt-2", "invoice.overdue",
                "Overdue\r\nBcc: attacker@evil.example", "<script>alert(1)</script> & more", "normal", null, null,
                Map.of("email", "ada@customer.example"), null, "2026-11-02T09:00:00Z");

        // when
        DeliveryResult result;
        try (TaskSink sink = sink(plain("html: \"<p>{{ task.body }}</p>\"\n"))) {
            result = sink.deliver(task);
        }

        // then the line break became a space inside the subject, and no Bcc reached anyone
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        MimeMessage message = MAIL.getReceivedMessages()[0];
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
        assertThat(message.getSubject()).isEqualTo("Overdue Bcc: attacker@evil.example");
        assertThat(message.getHeader("Bcc")).isNull();
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat((String) alternative.getBodyPart(0).getContent()).isEqualTo("<script>alert(1)</script> & more");
        assertThat((String) alternative.getBodyPart(1).getContent()).isEqualTo("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>");
    }

    @Test
    void should_send_under_the_same_message_id_when_a_task_is_delivered_twice() throws Exception {
        // given
        Task task = reminder("ada@customer.example");

        // when
        try (TaskSink sink = sink(plain(""))) {
            sink.deliver(task);
            sink.deliver(task);
        }

        // then
        assertThat(MAIL.getReceivedMessages()).extracting(MimeMessage::getMessageID).containsOnly("<" + task.id() + "@northwind.example>");
    }

    @Test
    void should_reject_without_the_password_in_the_reason_when_the_server_refuses_the_credentials() {
        // given a wrong password, of which the server may echo nothing but the sink must not either
        SinkEnvironment wrong = SinkTesting.Environment.of(dir, Set.of("127.0.0.1"), Map.of("SMTP_PASSWORD", "wrong-password-77"));
        TaskSink sink = new SmtpSinkFactory().create("finance-mail", YamlOptions.bind(SmtpSinkFactory.Options.class, plain("")), wrong);

        // when
        DeliveryResult result = sink.deliver(reminder("ada@customer.example"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).contains("535").doesNotContain("wrong-password-77");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void should_reject_and_send_nothing_when_a_task_renders_no_valid_recipient() {
        // when
        DeliveryResult empty;
        DeliveryResult invalid;
        try (TaskSink sink = sink(plain(""))) {
            empty = sink.deliver(reminder(""));
            invalid = sink.deliver(reminder("not an address"));
        }

        // then
        assertThat(empty).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) empty).reason()).contains("no valid recipient", "renders no address");
        assertThat(invalid).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void should_reject_when_tls_is_required_and_the_server_offers_no_starttls() {
        // given GreenMail's plain SMTP, which does not offer STARTTLS
        TaskSink sink = sink(plain("").replace("security: none", "security: starttls"));

        // when
        DeliveryResult result = sink.deliver(reminder("ada@customer.example"));

        // then nothing went out in plain text
        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).contains("STARTTLS");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void should_reject_when_the_server_certificate_is_not_trusted() {
        // given GreenMail's SMTPS with its self-signed certificate, which the JVM does not trust
        TaskSink sink = sink(plain("").replace("security: none", "security: tls")
                .replace("port: " + MAIL.getSmtp().getPort(), "port: " + MAIL.getSmtps().getPort()));

        // when
        DeliveryResult result = sink.deliver(reminder("ada@customer.example"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(((DeliveryResult.Rejected) result).reason()).contains("TLS with SMTP server", "trusts the server's certificate");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void should_retry_when_the_server_cannot_be_reached() {
        // given
        TaskSink sink = sink(plain(""));
        MAIL.stop();

        // when
        DeliveryResult result = sink.deliver(reminder("ada@customer.example"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) result).reason()).contains("could not be reached");
    }

    @Test
    void should_report_the_host_the_recipients_and_the_password_when_the_options_are_wrong() {
        // given a host outside the allow list, a bad sender, a template reading outside the task, a password without a user
        SmtpSinkFactory.Options options = YamlOptions.bind(SmtpSinkFactory.Options.class, """
                host: smtp.elsewhere.example
                password_env: SMTP_PASSWORD
                from: "not an address"
                to: "{{ event.data.email }}"
                """);

        // when
        List<String> problems = new SmtpSinkFactory().check(options, environment()).stream()
                .map(problem -> problem.message("sinks.finance-mail.smtp")).toList();

        // then
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("sinks.finance-mail.smtp.host",
                "'smtp.elsewhere.example:587' is not in outbound.allowed_hosts"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Invalid address", "from"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Unknown root 'event'", "to"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Missing user name"));
        assertThat(problems).noneSatisfy(message -> assertThat(message).contains(PASSWORD));
        assertThat(new SmtpSinkFactory().check(options, environment())).extracting(OptionProblem::severity)
                .doesNotContainNull();
    }
}
