package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.attachment.Extraction;
import dev.switchboard.connectors.sources.internal.HtmlText;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import java.time.Instant;
import java.util.List;

/**
 * An inbound email as the webhook mappings read it, and its {@code email.received} CloudEvent:
 * source {@code /email/<provider>}, subject the message id, key the thread id (a conversation stays
 * in order), fields cut to the limits of the event schema. Attachments are described (name, type,
 * size); the text of those the source reads comes with them, or why it could not be read. Their
 * bytes are never carried.
 */
public record Email(String messageId, String inReplyTo, String references, String from, List<String> to, List<String> cc,
                    String subject, String text, String html, List<Attachment> attachments) {

    /** One attachment; {@code extraction} is null when its type is not read. */
    public record Attachment(String name, String contentType, long size, Extraction extraction) {

        public Attachment(String name, String contentType, long size) {
            this(name, contentType, size, null);
        }

        /** A file posted to a mail webhook, with its text when {@code reader} reads its type. */
        public static Attachment posted(AttachmentReader reader, AttachmentReader.Budget budget, String name, String type, byte[] content) {
            if (!reader.wants(type, name)) {
                return new Attachment(name, type, content.length);
            }
            byte[] read = content.length > reader.maxBytes() ? null : content;
            return new Attachment(name, type, content.length, reader.read(type, name, read, content.length, budget));
        }
    }

    public static final String TYPE = "email.received";

    public SourceEvent toEvent(String provider) {
        String id = messageId != null && !messageId.isBlank() ? messageId.trim() : syntheticMessageId();
        String thread = MailAddresses.threadId(id, inReplyTo, references);
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode data = json.objectNode();
        data.put("message_id", Ticket.cut(id, 998));
        data.put("thread_id", Ticket.cut(thread, 998));
        data.put("from", Ticket.cut(from == null ? "" : from, 998));
        addresses(data.putArray("to"), to);
        addresses(data.putArray("cc"), cc);
        data.put("subject", Ticket.cut(subject == null ? "" : subject, 998));
        String body = text != null && !text.isBlank() ? text : HtmlText.toText(html);
        data.put("text", Ticket.cut(body.replace("\r\n", "\n"), 200_000));
        ArrayNode files = data.putArray("attachments");
        attachments.stream().limit(100).forEach(attachment -> {
            ObjectNode file = files.addObject();
            file.put("name", Ticket.cut(attachment.name(), 512));
            if (attachment.contentType() != null) {
                file.put("content_type", Ticket.cut(attachment.contentType(), 256));
            }
            file.put("size", attachment.size());
            Extraction extraction = attachment.extraction();
            if (extraction != null) {
                file.put("extraction", extraction.status().wireName());
                if (extraction.text() != null) {
                    file.put("text", extraction.text());
                }
                if (extraction.pages() != null) {
                    file.put("pages", extraction.pages());
                }
                if (extraction.truncated()) {
                    file.put("truncated", true);
                }
                if (extraction.reason() != null) {
                    file.put("reason", extraction.reason());
                }
            }
        });
        // One event per message, whichever provider or retry delivers it.
        String eventId = SourceEvent.stableId("email", id);
        return SourceEvent.of(eventId, TYPE, "/email/" + provider, Ticket.cut(id, 2048), Instant.now(), data, Ticket.cut(thread, 998));
    }

    private static void addresses(ArrayNode array, List<String> addresses) {
        addresses.stream().limit(500).forEach(address -> array.add(Ticket.cut(address, 998)));
    }

    /** Mail without a Message-ID still needs one: derived from what identifies it, so a redelivery matches. */
    private String syntheticMessageId() {
        String hash = SourceEvent.stableId("m", from, String.join(",", to), subject, text, html);
        return "<" + hash.substring(2) + "@switchboard.invalid>";
    }
}
