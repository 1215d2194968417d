package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.spi.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * An SMTP failure as a delivery result, by the class of the server's reply (RFC 5321): 4xx is
 * transient and retried, 5xx is permanent and dead-letters the task; a connection that fails or
 * times out is retried; TLS that cannot be set up is refused (retrying does not change a
 * certificate or a server without STARTTLS). In one place, tested by a parameterized test.
 */
final class SmtpReplies {

    private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([2-5])\\d\\d\\b");

    private SmtpReplies() {
    }

    static DeliveryResult result(MessagingException failure, String server, Redactor redactor) {
        int code = replyCode(failure);
        String said = redactor.redact(oneLine(failure));
        if (code >= 500) {
            return new DeliveryResult.Rejected("SMTP server " + server + " refused the message for good (" + code + "): " + said);
        }
        if (code >= 400) {
            return new DeliveryResult.Retry("SMTP server " + server + " refused the message for now (" + code + "): " + said, null);
        }
        if (failure instanceof AuthenticationFailedException) {
            return new DeliveryResult.Rejected("SMTP server " + server + " refused the credentials: " + said
                    + ". Check username and the password secret");
        }
        if (tlsFailure(failure)) {
            return new DeliveryResult.Rejected("TLS with SMTP server " + server + " failed: " + said
                    + ". Check security (starttls needs a server that offers STARTTLS) and that the JVM trusts the server's certificate");
        }
        return new DeliveryResult.Retry("SMTP server " + server + " could not be reached: " + said, null);
    }

    /** The reply code the server gave, from the exception chain; 0 when there was none (a connection failure). */
    static int replyCode(MessagingException failure) {
        for (Exception current = failure; current != null; current = next(current)) {
            if (current instanceof SMTPSendFailedException sent) {
                return sent.getReturnCode();
            }
            if (current instanceof SMTPAddressFailedException address) {
                return address.getReturnCode();
            }
            if (current instanceof SMTPSenderFailedException sender) {
                return sender.getReturnCode();
            }
        }
        if (failure instanceof AuthenticationFailedException || failure instanceof SendFailedException) {
            Matcher matcher = REPLY_CODE.matcher(String.valueOf(failure.getMessage()));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group().trim());
            }
        }
        return 0;
    }

    private static boolean tlsFailure(MessagingException failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("STARTTLS")) {
            return true;
        }
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private static Exception next(Exception current) {
        if (current instanceof MessagingException messaging && messaging.getNextException() != null) {
            return messaging.getNextException();
        }
        return current.getCause() instanceof Exception cause && !(cause instanceof IOException) ? cause : null;
    }

    private static String oneLine(MessagingException failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure.getNextException() != null && failure.getNextException().getMessage() != null
                && !message.contains(failure.getNextException().getMessage())) {
            message += "; " + failure.getNextException().getMessage();
        }
        message = message.replaceAll("\\s+", " ").trim();
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }
}
