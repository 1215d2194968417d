package dev.switchboard.connectors.sources.mail;

import dev.switchboard.connectors.sources.Email;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.attachment.Extraction;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A MIME message as an {@link Email}: headers decoded (RFC 2047), the first plain and HTML bodies
 * that are not attachments, and every other leaf part described as an attachment with its decoded
 * size (and its text, when the {@link AttachmentReader} reads its type). A part that cannot be
 * decoded is described, never fatal: one malformed message must not block a mailbox.
 */
public final class MimeEmail {

    private static final int MAX_DEPTH = 20;
    private static final int MAX_TEXT_BYTES = 4 * 1024 * 1024;

    private MimeEmail() {
    }

    /** The message with its attachments described only. */
    public static Email read(Message message) throws MessagingException {
        return read(message, null);
    }

    /** The message; the attachments {@code reader} wants come with their text ({@code reader} may be null). */
    public static Email read(Message message, AttachmentReader reader) throws MessagingException {
        Body body = new Body(reader);
        walk(message, body, 0);
        List<String> ids = MailAddresses.messageIds(header(message, "Message-ID"));
        return new Email(ids.isEmpty() ? null : ids.get(0), header(message, "In-Reply-To"), header(message, "References"),
                header(message, "From"), MailAddresses.split(rawHeader(message, "To")), MailAddresses.split(rawHeader(message, "Cc")),
                header(message, "Subject"), body.text, body.html, body.attachments);
    }

    private static final class Body {
        String text;
        String html;
        final List<Email.Attachment> attachments = new ArrayList<>();
        final AttachmentReader reader;
        final AttachmentReader.Budget budget;

        Body(AttachmentReader reader) {
            this.reader = reader;
            this.budget = reader == null ? null : reader.budget();
        }
    }

    private static void walk(Part part, Body body, int depth) throws MessagingException {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (part.isMimeType("multipart/*")) {
            Object content;
            try {
                content = part.getContent();
            } catch (IOException e) {
                body.attachments.add(new Email.Attachment(name(part, body), baseType(part), -1));
                return;
            }
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    walk(child, body, depth + 1);
                }
                return;
            }
        }
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || fileName(part) != null;
        if (!attachment && part.isMimeType("text/plain") && body.text == null) {
            body.text = text(part);
        } else if (!attachment && part.isMimeType("text/html") && body.html == null) {
            body.html = text(part);
        } else {
            body.attachments.add(attachment(part, body));
        }
    }

    private static Email.Attachment attachment(Part part, Body body) {
        String name = name(part, body);
        String type = baseType(part);
        if (body.reader == null || !body.reader.wants(type, name)) {
            return new Email.Attachment(name, type, size(part));
        }
        Content content = content(part, body.reader.maxBytes());
        if (content.size < 0) {
            return new Email.Attachment(name, type, -1);
        }
        Extraction extraction = body.reader.read(contentType(part), name, content.bytes, content.size, body.budget);
        return new Email.Attachment(name, type, content.size, extraction);
    }

    /** The first {@code max} bytes (null when there are more) and the decoded size; size -1 if unreadable. */
    private record Content(byte[] bytes, long size) {
    }

    private static Content content(Part part, int max) {
        try (InputStream in = part.getInputStream()) {
            byte[] head = in.readNBytes(max + 1);
            if (head.length <= max) {
                return new Content(head, head.length);
            }
            long total = head.length;
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                total += read;
            }
            return new Content(null, total);
        } catch (IOException | MessagingException e) {
            return new Content(null, -1);
        }
    }

    private static String contentType(Part part) {
        try {
            return part.getContentType();
        } catch (MessagingException e) {
            return null;
        }
    }

    /** A text part in its declared charset; an unknown or missing charset reads as UTF-8, bad bytes replaced. */
    private static String text(Part part) {
        try {
            Object content = part.getContent();
            if (content instanceof String text) {
                return text;
            }
        } catch (UnsupportedEncodingException e) {
            // an unknown charset: decode the bytes below
        } catch (IOException | MessagingException e) {
            return "";
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readNBytes(MAX_TEXT_BYTES), charset(part));
        } catch (IOException | MessagingException e) {
            return "";
        }
    }

    private static Charset charset(Part part) {
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(MimeUtility.javaCharset(name));
        } catch (Exception e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The decoded size in bytes, counted while reading (the size the server reports is the encoded one); -1 if unreadable. */
    private static long size(Part part) {
        try (InputStream in = part.getInputStream()) {
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                total += read;
            }
            return total;
        } catch (IOException | MessagingException e) {
            return -1;
        }
    }

    private static String name(Part part, Body body) {
        String name = fileName(part);
        if (name != null) {
            return name;
        }
        if (isMimeType(part, "message/rfc822")) {
            return "message-" + (body.attachments.size() + 1) + ".eml";
        }
        return "part-" + (body.attachments.size() + 1);
    }

    private static String fileName(Part part) {
        try {
            String name = part.getFileName();
            return name == null || name.isBlank() ? null : MimeUtility.decodeText(name);
        } catch (MessagingException | UnsupportedEncodingException e) {
            return null;
        }
    }

    private static String baseType(Part part) {
        try {
            return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return "application/octet-stream";
        }
    }

    private static boolean isMimeType(Part part, String type) {
        try {
            return part.isMimeType(type);
        } catch (MessagingException e) {
            return false;
        }
    }

    /** A header's first value, unfolded and with encoded words decoded; null when absent. */
    private static String header(Message message, String name) throws MessagingException {
        String unfolded = rawHeader(message, name);
        if (unfolded == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(unfolded).trim();
        } catch (UnsupportedEncodingException e) {
            return unfolded.trim();
        }
    }

    /** A header's first value, unfolded, encoded words as they are: address lists are split before their names are decoded. */
    private static String rawHeader(Message message, String name) throws MessagingException {
        String[] values = message.getHeader(name);
        return values == null || values.length == 0 || values[0] == null ? null : MimeUtility.unfold(values[0]);
    }
}
