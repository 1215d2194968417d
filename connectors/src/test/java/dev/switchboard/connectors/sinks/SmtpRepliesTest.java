package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.spi.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SmtpRepliesTest {

    private static MessagingException rejectedRecipient(int code, String text) throws Exception {
        SMTPAddressFailedException address = new SMTPAddressFailedException(new InternetAddress("x@customer.example"),
                "RCPT TO:<x@customer.example>", code, code + " " + text);
        return new SendFailedException("Invalid Addresses", address);
    }

    static Stream<Arguments> failures() throws Exception {
        return Stream.of(
                Arguments.of("mailbox busy", rejectedRecipient(450, "4.2.1 Mailbox busy"), DeliveryResult.Retry.class, "(450)"),
                Arguments.of("greylisted", new SMTPSendFailedException("DATA", 451, "451 4.7.1 Greylisted, try again", null, null, null, null),
                        DeliveryResult.Retry.class, "(451)"),
                Arguments.of("rate limited", new SMTPSenderFailedException(new InternetAddress("finance@northwind.example"), "MAIL FROM", 421,
                        "421 4.7.0 Too many messages"), DeliveryResult.Retry.class, "(421)"),
                Arguments.of("unknown recipient", rejectedRecipient(550, "5.1.1 No such user"), DeliveryResult.Rejected.class, "(550)"),
                Arguments.of("relay refused", new SMTPSendFailedException("DATA", 554, "554 5.7.1 Relay access denied", null, null, null, null),
                        DeliveryResult.Rejected.class, "(554)"),
                Arguments.of("bad credentials", new AuthenticationFailedException("535 5.7.8 Authentication credentials invalid"),
                        DeliveryResult.Rejected.class, "(535)"),
                Arguments.of("credentials without a code", new AuthenticationFailedException("failed to connect"),
                        DeliveryResult.Rejected.class, "refused the credentials"),
                Arguments.of("connection refused", new MessagingException("Couldn't connect to host", new ConnectException("Connection refused")),
                        DeliveryResult.Retry.class, "could not be reached"),
                Arguments.of("timeout", new MessagingException("Exception reading response", new SocketTimeoutException("Read timed out")),
                        DeliveryResult.Retry.class, "could not be reached"),
                Arguments.of("untrusted certificate", new MessagingException("Could not connect",
                        new SSLHandshakeException("PKIX path building failed")), DeliveryResult.Rejected.class, "TLS with SMTP server"),
                Arguments.of("no STARTTLS", new MessagingException("STARTTLS is required but host does not support STARTTLS"),
                        DeliveryResult.Rejected.class, "starttls needs a server that offers STARTTLS"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void should_retry_4xx_and_connection_failures_and_reject_5xx_when_the_server_fails(String name, MessagingException failure,
                                                                                      Class<? extends DeliveryResult> expected, String reason) {
        // when
        DeliveryResult result = SmtpReplies.result(failure, "smtp.example.com:587", Redactor.none());

        // then
        assertThat(result).isInstanceOf(expected);
        assertThat(result instanceof DeliveryResult.Retry retry ? retry.reason() : ((DeliveryResult.Rejected) result).reason())
                .startsWith(result instanceof DeliveryResult.Retry ? "SMTP server smtp.example.com:587" : "")
                .contains(reason);
    }

    @Test
    void should_keep_the_password_out_of_the_reason_when_the_server_echoes_it() {
        // given a server that repeats what it was sent
        MessagingException echo = new AuthenticationFailedException("535 5.7.8 Bad password hunter2-secret for finance");

        // when
        DeliveryResult result = SmtpReplies.result(echo, "smtp.example.com:587", Redactor.of("hunter2-secret"));

        // then
        assertThat(((DeliveryResult.Rejected) result).reason()).doesNotContain("hunter2-secret").contains(Redactor.MARK);
    }
}
