package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link MailgunInboundSource}s: mail forwarded by a Mailgun route, verified by Mailgun's signature. */
public final class MailgunInboundSourceFactory extends MailWebhookSourceFactory<MailgunInboundSourceFactory.Options> {

    public MailgunInboundSourceFactory() {
        super(Options.class, MailgunInboundSource.WEBHOOK, MailgunInboundSource::new);
    }

    @Documentation(name = "mailgun-inbound", summary = "Receives mail forwarded by a Mailgun route as email.received events.",
            description = """
                    Reads the route's post, `multipart/form-data` (with attachments) or `application/x-www-form-urlencoded`: \
                    `sender`, `recipient`, `from`, `To`, `Cc`, `subject`, `body-plain`, `body-html`, `stripped-text`, \
                    `Message-Id`, `In-Reply-To`, `References`, `message-headers`, `attachment-count` and the files \
                    `attachment-1…N`, described by name, type and size, \
                    with their text when `attachment_types` lists their type (PDF and text by default). Authentication: `mailgun` only, the \
                    `timestamp`, `token` and `signature` fields (hex HMAC-SHA256 of timestamp followed by token, with the \
                    HTTP webhook signing key), timestamp within `auth.tolerance_seconds`, each token accepted once. Mailgun's \
                    signature does not cover the message fields; add `auth.allowed_networks` if that matters to you.""")
    @Example(title = "A Mailgun route forwarding support mail", yaml = """
            support-inbox:
              mailgun-inbound:
                path: /webhooks/mailgun/inbound
                text: stripped
                auth:
                  secret_env: MAILGUN_WEBHOOK_SIGNING_KEY
            """)
    public record Options(
            @Option(description = "Which text becomes the event's `text`: `full` (body-plain) or `stripped` (Mailgun's stripped-text: "
                    + "the new part of a reply, without quotes and signature).", defaultValue = "full", allowed = {"full", "stripped"})
            String text,
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/mailgun/inbound"))
            WebhookListener.Mail listener,
            @OptionGroup AttachmentText attachments) implements MailOptions {
    }
}
