package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.Charsets;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import dev.switchboard.connectors.sources.internal.MailHeaders;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Inbound mail from SendGrid Inbound Parse (parsed mode, multipart/form-data) as {@code email.received}. */
public final class SendGridInboundSource implements SourceFactory<SendGridInboundSource.Options> {

    static final String PROVIDER = "sendgrid";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.BASIC, Scheme.SHARED_SECRET);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Documentation(name = "sendgrid-inbound", summary = "Receives mail from SendGrid Inbound Parse as email.received events.",
            description = """
                    Reads the *parsed* post (leave "POST the raw, full MIME message" off): the fields `from`, `to`, `cc`, \
                    `subject`, `text`, `html`, `headers` (Message-ID, In-Reply-To and References come from there), \
                    `charsets` (each field is decoded in the charset SendGrid names), `envelope`, `attachment-info` and the \
                    files `attachment1…N`, of which only name, type and size are kept. The text is the plain part, or the \
                    HTML part converted to text. SendGrid signs nothing it posts here and cannot add a header, so the \
                    default scheme is `basic`: put the credentials in the Inbound Parse URL \
                    (`https://user:password@host/webhooks/sendgrid/inbound`). Restricting `auth.allowed_networks` to \
                    SendGrid's addresses adds a second check.""")
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
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/sendgrid/inbound") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Schemes: `basic` (the default), `shared-secret` (behind a relay that adds the header).", required = true)
            WebhookAuth auth,
            @Option(description = WebhookSource.MAX_BODY + " SendGrid posts messages of up to 30 MB.", defaultValue = "10485760",
                    minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes,
            @Option(description = WebhookSource.ACK_TIMEOUT, defaultValue = "10", minimum = 1, maximum = 120)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SourceEnvironment environment) {
        List<String> problems = new ArrayList<>(WebhookSource.checkPath(path(options)));
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.BASIC, "sendgrid-inbound", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return WebhookSource.builder(name, "sendgrid-inbound", environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 10 * 1024 * 1024, options.ackTimeoutSeconds())
                .accepts(WebhookSource.Accepts.FORM)
                .auth(options.auth(), Scheme.BASIC)
                .mapping(SendGridInboundSource::map)
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/sendgrid/inbound" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        FormData form = inbound.form();
        if (form.part("email") != null && form.part("from") == null) {
            throw new WebhookSource.BadPayload("SendGrid posted the raw MIME message: turn off \"POST the raw, full MIME message\" "
                    + "in the Inbound Parse settings so that the parsed fields arrive");
        }
        JsonNode charsets = json(form.text("charsets"));
        Fields fields = name -> form.text(name, Charsets.orDefault(Ticket.text(charsets.get(name)), StandardCharsets.UTF_8));
        String from = fields.get("from");
        if (from == null) {
            throw new WebhookSource.BadPayload("SendGrid Inbound Parse post without a 'from' field");
        }
        MailHeaders headers = MailHeaders.parse(fields.get("headers"));
        List<String> to = MailAddresses.split(fields.get("to"));
        if (to.isEmpty()) {
            json(form.text("envelope")).path("to").forEach(address -> to.add(address.asText()));
        }
        JsonNode info = json(form.text("attachment-info"));
        List<Email.Attachment> attachments = new ArrayList<>();
        for (FormData.Part file : form.files()) {
            JsonNode described = info.path(file.name());
            String type = file.contentType() != null ? file.contentType() : Ticket.text(described.get("type"));
            String fileName = !file.filename().isEmpty() ? file.filename()
                    : Ticket.text(described.get("filename")) != null ? Ticket.text(described.get("filename")) : file.name();
            attachments.add(new Email.Attachment(fileName, type, file.content().length));
        }
        List<String> ids = MailAddresses.messageIds(headers.first("Message-ID"));
        Email email = new Email(ids.isEmpty() ? null : ids.get(0), headers.first("In-Reply-To"), headers.first("References"), from.trim(),
                to, MailAddresses.split(fields.get("cc")), fields.get("subject"), fields.get("text"), fields.get("html"), attachments);
        return WebhookSource.Mapped.of(email.toEvent(PROVIDER));
    }

    private interface Fields {
        String get(String name);
    }

    private static JsonNode json(String text) throws WebhookSource.BadPayload {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new WebhookSource.BadPayload("A SendGrid JSON field (charsets, envelope or attachment-info) is not valid JSON");
        }
    }
}
