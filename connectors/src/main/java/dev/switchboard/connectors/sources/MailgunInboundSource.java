package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Inbound mail from a Mailgun route's {@code forward()} action as {@code email.received}, verified by Mailgun's signature. */
public final class MailgunInboundSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("mailgun-inbound",
            Set.of(Scheme.MAILGUN), Scheme.MAILGUN, Accepts.FORM);
    static final String PROVIDER = "mailgun";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean stripped;
    private final AttachmentReader attachments;

    MailgunInboundSource(String name, MailgunInboundSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
        this.stripped = "stripped".equals(options.text());
        this.attachments = new AttachmentReader(options.attachments());
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        FormData form = inbound.form();
        List<String[]> headers = messageHeaders(form.text("message-headers"));
        Fields fields = name -> {
            String value = form.text(name);
            if (value == null) {
                value = form.text(name.toLowerCase(Locale.ROOT));
            }
            if (value == null) {
                value = headers.stream().filter(header -> header[0].equalsIgnoreCase(name)).map(header -> header[1]).findFirst().orElse(null);
            }
            return value;
        };
        String from = fields.get("From");
        if (from == null) {
            from = form.text("sender");
        }
        if (from == null) {
            throw new BadPayload("Mailgun post without 'from' or 'sender'");
        }
        List<String> to = MailAddresses.split(fields.get("To"));
        if (to.isEmpty()) {
            to = MailAddresses.split(form.text("recipient"));
        }
        List<Email.Attachment> files = new ArrayList<>();
        AttachmentReader.Budget budget = attachments.budget();
        for (FormData.Part file : form.files()) {
            files.add(Email.Attachment.posted(attachments, budget, file.filename().isEmpty() ? file.name() : file.filename(), file.contentType(),
                    file.content()));
        }
        String text = stripped && form.text("stripped-text") != null ? form.text("stripped-text") : form.text("body-plain");
        List<String> ids = MailAddresses.messageIds(fields.get("Message-Id"));
        Email email = new Email(ids.isEmpty() ? null : ids.get(0), fields.get("In-Reply-To"), fields.get("References"), from.trim(), to,
                MailAddresses.split(fields.get("Cc")), fields.get("Subject"), text,
                stripped && form.text("stripped-html") != null ? form.text("stripped-html") : form.text("body-html"), files);
        return Mapped.of(email.toEvent(PROVIDER));
    }

    private interface Fields {
        String get(String name);
    }

    /** {@code message-headers}: a JSON list of [name, value] pairs. */
    private static List<String[]> messageHeaders(String text) throws BadPayload {
        List<String[]> headers = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return headers;
        }
        try {
            for (JsonNode pair : JSON.readTree(text)) {
                if (pair.isArray() && pair.size() == 2) {
                    headers.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
                }
            }
        } catch (IOException e) {
            throw new BadPayload("Mailgun message-headers is not valid JSON");
        }
        return headers;
    }

    @Override
    public void close() {
        super.close();
        attachments.close();
    }
}
