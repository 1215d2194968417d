package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.internal.HtmlText;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import java.time.Instant;
import java.util.List;

/**
 * An inbound email as the webhook mappings read it, and its {@code email.received} CloudEvent:
 * source {@code /email/<provider>}, subject the message id, key the thread id (a conversation stays
 * in order), fields cut to the limits of the event schema. Attachments are described (name, type,
 * size), never carried.
 */
public record Email(String messageId, String inReplyTo, String references, String from, List<String> to, List<String> cc,
                    String subject, String text, String html, List<Attachment> attachments) {

    public record Attachment(String name, String contentType, long size) {
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
