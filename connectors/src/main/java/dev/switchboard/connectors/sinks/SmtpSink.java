package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.jsoup.nodes.Entities;

/**
 * Sends each task as one email with Jakarta Mail: recipients, subject and bodies rendered from the
 * task, the Message-ID {@code <task id@domain>} on every attempt, the server's reply turned into
 * {@link DeliveryResult}s by {@link SmtpReplies}. The host is checked against the outbound policy
 * before each connection; the password is read at each send and kept out of every reason.
 */
record SmtpSink(String name, SmtpSink.Server server, String username, Optional<Secret> password, SmtpSink.Templates templates,
                OutboundPolicy policy) implements TaskSink {

    /** Where and how to connect; {@code sslSockets} replaces the JVM's default TLS sockets (tests trust their own server). */
    record Server(String host, int port, String security, Duration timeout, SSLSocketFactory sslSockets) {
    }

    /** What each message is made of: fixed addresses and templates over the task. */
    record Templates(String from, String replyTo, TaskTemplate to, TaskTemplate cc, TaskTemplate subject, TaskTemplate text,
                     TaskTemplate html, String messageIdDomain) {
    }

    /** The Message-ID of a task's email. */
    static String messageId(String taskId, String domain) {
        return "<" + taskId + "@" + domain + ">";
    }

    @Override
    public DeliveryResult deliver(Task task) {
        Optional<String> refused = policy.refusal(server.host(), server.port());
        if (refused.isPresent()) {
            return new DeliveryResult.Rejected(refused.get());
        }
        String secret = password.flatMap(Secret::value).orElse(null);
        if (password.isPresent() && secret == null) {
            return new DeliveryResult.Retry("The SMTP password (" + password.get().describe() + ") is not available now", null);
        }
        Redactor redactor = secret == null ? Redactor.none() : Redactor.of(secret);
        Session session = Session.getInstance(properties());
        MimeMessage message;
        try {
            message = message(session, task);
        } catch (AddressException e) {
            return new DeliveryResult.Rejected("Task " + task.id() + " has no valid recipient: " + e.getMessage()
                    + ". Check what the to and cc templates render for it");
        } catch (MessagingException e) {
            return new DeliveryResult.Rejected("The email for task " + task.id() + " cannot be built: " + e.getMessage());
        }
        try (Transport transport = session.getTransport(server.security().equals("tls") ? "smtps" : "smtp")) {
            transport.connect(server.host(), server.port(), username, secret);
            transport.sendMessage(message, message.getAllRecipients());
            return new DeliveryResult.Delivered("Sent as " + messageId(task.id(), templates.messageIdDomain()) + " through "
                    + server.host() + ":" + server.port());
        } catch (MessagingException e) {
            return SmtpReplies.result(e, server.host() + ":" + server.port(), redactor);
        }
    }

    private MimeMessage message(Session session, Task task) throws MessagingException {
        String id = messageId(task.id(), templates.messageIdDomain());
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // the same id on every attempt: receivers see one message per task
                setHeader("Message-ID", id);
            }
        };
        message.setFrom(new InternetAddress(templates.from(), true));
        if (templates.replyTo() != null) {
            message.setReplyTo(new InternetAddress[] {new InternetAddress(templates.replyTo(), true)});
        }
        InternetAddress[] to = addresses(templates.to(), task);
        if (to.length == 0) {
            throw new AddressException("the to template renders no address");
        }
        message.setRecipients(Message.RecipientType.TO, to);
        if (templates.cc() != null) {
            InternetAddress[] cc = addresses(templates.cc(), task);
            if (cc.length > 0) {
                message.setRecipients(Message.RecipientType.CC, cc);
            }
        }
        message.setSubject(templates.subject().render(task, SmtpSink::headerValue), "UTF-8");
        message.setSentDate(new Date());
        String text = templates.text().render(task, value -> value);
        if (templates.html() == null) {
            message.setText(text, "UTF-8");
        } else {
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(templates.html().render(task, value -> Entities.escape(value)), "UTF-8", "html");
            MimeMultipart alternative = new MimeMultipart("alternative", plain, html);
            message.setContent(alternative);
        }
        message.saveChanges();
        return message;
    }

    private static InternetAddress[] addresses(TaskTemplate template, Task task) throws AddressException {
        String rendered = template.render(task, SmtpSink::headerValue).strip();
        return rendered.isEmpty() ? new InternetAddress[0] : InternetAddress.parse(rendered, true);
    }

    /** A value inside a header: line breaks would start a header of its own. */
    private static String headerValue(String value) {
        return value.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " ");
    }

    private Properties properties() {
        Properties properties = new Properties();
        String protocol = server.security().equals("tls") ? "smtps" : "smtp";
        String prefix = "mail." + protocol + ".";
        String millis = Long.toString(server.timeout().toMillis());
        properties.setProperty(prefix + "connectiontimeout", millis);
        properties.setProperty(prefix + "timeout", millis);
        properties.setProperty(prefix + "writetimeout", millis);
        properties.setProperty(prefix + "auth", Boolean.toString(username != null));
        properties.setProperty(prefix + "ssl.checkserveridentity", "true");
        if (server.security().equals("starttls")) {
            properties.setProperty(prefix + "starttls.enable", "true");
            properties.setProperty(prefix + "starttls.required", "true");
        }
        if (server.sslSockets() != null) {
            properties.put(prefix + "ssl.socketFactory", server.sslSockets());
        }
        return properties;
    }
}
