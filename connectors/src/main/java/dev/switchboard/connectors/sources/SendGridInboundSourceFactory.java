package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link SendGridInboundSource}s: mail from SendGrid Inbound Parse (parsed mode). */
public final class SendGridInboundSourceFactory extends MailWebhookSourceFactory<SendGridInboundSourceFactory.Options> {

    public SendGridInboundSourceFactory() {
        super(Options.class, SendGridInboundSource.WEBHOOK, SendGridInboundSource::new);
    }

    @Documentation(name = "sendgrid-inbound", summary = "Receives mail from SendGrid Inbound Parse as email.received events.",
            description = """
                    Reads the *parsed* post (leave "POST the raw, full MIME message" off): the fields `from`, `to`, `cc`, \
                    `subject`, `text`, `html`, `headers` (Message-ID, In-Reply-To and References come from there), \
                    `charsets` (each field is decoded in the charset SendGrid names), `envelope`, `attachment-info` and the \
                    files `attachment1…N`, described by name, type and size, \
                    with their text when `attachment_types` lists their type (PDF and text by default). The text is the plain part, or the \
                    HTML part converted to text. SendGrid signs nothing it posts here and cannot add a header, so the \
                    default scheme is `basic`: put the credentials in the Inbound Parse URL \
                    (`https://user:password@host/webhooks/sendgrid/inbound`); `shared-secret` fits behind a relay that adds the header. Restricting `auth.allowed_networks` to \
                    SendGrid's addresses adds a second check. SendGrid posts messages of up to 30 MB: raise `max_body_bytes` \
                    to take the largest.""")
    @Example(title = "SendGrid Inbound Parse with basic auth", yaml = """
            support-inbox:
              sendgrid-inbound:
                path: /webhooks/sendgrid/inbound
                auth:
                  scheme: basic
                  username: sendgrid
                  secret_env: SENDGRID_INBOUND_PASSWORD
            """)
    public record Options(
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/sendgrid/inbound"))
            WebhookListener.Mail listener,
            @OptionGroup AttachmentText attachments) implements MailOptions {
    }
}
