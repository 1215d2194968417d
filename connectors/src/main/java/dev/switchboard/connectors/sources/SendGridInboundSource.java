package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.Charsets;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import dev.switchboard.connectors.sources.internal.MailHeaders;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Inbound mail from SendGrid Inbound Parse (parsed mode, multipart/form-data) as {@code email.received}. */
public final class SendGridInboundSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("sendgrid-inbound",
            Set.of(Scheme.BASIC, Scheme.SHARED_SECRET), Scheme.BASIC, Accepts.FORM);
    static final String PROVIDER = "sendgrid";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AttachmentReader attachments;

    SendGridInboundSource(String name, SendGridInboundSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
        this.attachments = new AttachmentReader(options.attachments());
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        FormData form = inbound.form();
        if (form.part("email") != null && form.part("from") == null) {
            throw new BadPayload("SendGrid posted the raw MIME message: turn off \"POST the raw, full MIME message\" "
                    + "in the Inbound Parse settings so that the parsed fields arrive");
        }
        JsonNode charsets = json(form.text("charsets"));
        Fields fields = name -> form.text(name, Charsets.orDefault(Ticket.text(charsets.get(name)), StandardCharsets.UTF_8));
        String from = fields.get("from");
        if (from == null) {
            throw new BadPayload("SendGrid Inbound Parse post without a 'from' field");
        }
        MailHeaders headers = MailHeaders.parse(fields.get("headers"));
        List<String> to = MailAddresses.split(fields.get("to"));
        if (to.isEmpty()) {
            json(form.text("envelope")).path("to").forEach(address -> to.add(address.asText()));
        }
        JsonNode info = json(form.text("attachment-info"));
        List<Email.Attachment> files = new ArrayList<>();
        AttachmentReader.Budget budget = attachments.budget();
        for (FormData.Part file : form.files()) {
            JsonNode described = info.path(file.name());
            String type = file.contentType() != null ? file.contentType() : Ticket.text(described.get("type"));
            String fileName = !file.filename().isEmpty() ? file.filename()
                    : Ticket.text(described.get("filename")) != null ? Ticket.text(described.get("filename")) : file.name();
            files.add(Email.Attachment.posted(attachments, budget, fileName, type, file.content()));
        }
        List<String> ids = MailAddresses.messageIds(headers.first("Message-ID"));
        Email email = new Email(ids.isEmpty() ? null : ids.get(0), headers.first("In-Reply-To"), headers.first("References"), from.trim(),
                to, MailAddresses.split(fields.get("cc")), fields.get("subject"), fields.get("text"), fields.get("html"), files);
        return Mapped.of(email.toEvent(PROVIDER));
    }

    private interface Fields {
        String get(String name);
    }

    private static JsonNode json(String text) throws BadPayload {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new BadPayload("A SendGrid JSON field (charsets, envelope or attachment-info) is not valid JSON");
        }
    }

    @Override
    public void close() {
        super.close();
        attachments.close();
    }
}
