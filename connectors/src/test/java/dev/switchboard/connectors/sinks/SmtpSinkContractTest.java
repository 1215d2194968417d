package dev.switchboard.connectors.sinks;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.connectors.testkit.AbstractTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink contract, for email through a real SMTP server (GreenMail, with authentication): the
 * idempotency key a receiver gets is the Message-ID, {@code <task id@domain>}.
 */
class SmtpSinkContractTest extends AbstractTaskSinkContractTest<SmtpSinkFactory.Options> {

    static final String PASSWORD = "smtp-contract-password-5e1f";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("finance@northwind.example", "finance", PASSWORD));

    @Override
    protected SinkFactory<SmtpSinkFactory.Options> factory() {
        return new SmtpSinkFactory();
    }

    @Override
    protected String options() {
        return """
                host: 127.0.0.1
                port: %d
                security: none
                username: finance
                password_env: SMTP_PASSWORD
                from: "Northwind Finance <finance@northwind.example>"
                to: ap@customer.example
                timeout_seconds: 5
                """.formatted(MAIL.getSmtp().getPort());
    }

    @Override
    protected SinkEnvironment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + MAIL.getSmtp().getPort()), Map.of("SMTP_PASSWORD", PASSWORD));
    }

    /** The task ids in the Message-IDs of the messages the server took. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        return Arrays.stream(MAIL.getReceivedMessages()).map(SmtpSinkContractTest::messageId)
                .map(id -> id.substring(1, id.indexOf('@'))).toList();
    }

    /** The server goes away, as when it is down. */
    @Override
    protected void breakDestination() {
        MAIL.stop();
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(PASSWORD);
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
