package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.FormData;
import dev.switchboard.connectors.sources.internal.MailAddresses;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Inbound mail from a Mailgun route's {@code forward()} action as {@code email.received}, verified by Mailgun's signature. */
public final class MailgunInboundSource implements SourceFactory<MailgunInboundSource.Options> {

    static final String PROVIDER = "mailgun";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.MAILGUN);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Documentation(name = "mailgun-inbound", summary = "Receives mail forwarded by a Mailgun route as email.received events.",
            description = """
                    Reads the route's post, `multipart/form-data` (with attachments) or `application/x-www-form-urlencoded`: \
                    `sender`, `recipient`, `from`, `To`, `Cc`, `subject`, `body-plain`, `body-html`, `stripped-text`, \
                    `Message-Id`, `In-Reply-To`, `References`, `message-headers`, `attachment-count` and the files \
                    `attachment-1…N`, of which only name, type and size are kept. Authentication: `mailgun` only, the \
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
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/mailgun/inbound") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Default and only scheme: `mailgun`.", required = true) WebhookAuth auth,
            @Option(description = "Which text becomes the event's `text`: `full` (body-plain) or `stripped` (Mailgun's stripped-text: "
                    + "the new part of a reply, without quotes and signature).", defaultValue = "full", allowed = {"full", "stripped"})
            String text,
            @Option(description = WebhookSource.MAX_BODY, defaultValue = "10485760", minimum = 1024, maximum = 52428800)
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
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.MAILGUN, "mailgun-inbound", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        boolean stripped = "stripped".equals(options.text());
        return WebhookSource.builder(name, "mailgun-inbound", environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 10 * 1024 * 1024, options.ackTimeoutSeconds())
                .accepts(WebhookSource.Accepts.FORM)
                .auth(options.auth(), Scheme.MAILGUN)
                .mapping(inbound -> map(inbound, stripped))
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/mailgun/inbound" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound, boolean stripped) throws WebhookSource.BadPayload {
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
            throw new WebhookSource.BadPayload("Mailgun post without 'from' or 'sender'");
        }
        List<String> to = MailAddresses.split(fields.get("To"));
        if (to.isEmpty()) {
            to = MailAddresses.split(form.text("recipient"));
        }
        List<Email.Attachment> attachments = new ArrayList<>();
        for (FormData.Part file : form.files()) {
            attachments.add(new Email.Attachment(file.filename().isEmpty() ? file.name() : file.filename(), file.contentType(), file.content().length));
        }
        String text = stripped && form.text("stripped-text") != null ? form.text("stripped-text") : form.text("body-plain");
        List<String> ids = MailAddresses.messageIds(fields.get("Message-Id"));
        Email email = new Email(ids.isEmpty() ? null : ids.get(0), fields.get("In-Reply-To"), fields.get("References"), from.trim(), to,
                MailAddresses.split(fields.get("Cc")), fields.get("Subject"), text,
                stripped && form.text("stripped-html") != null ? form.text("stripped-html") : form.text("body-html"), attachments);
        return WebhookSource.Mapped.of(email.toEvent(PROVIDER));
    }

    private interface Fields {
        String get(String name);
    }

    /** {@code message-headers}: a JSON list of [name, value] pairs. */
    private static List<String[]> messageHeaders(String text) throws WebhookSource.BadPayload {
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
            throw new WebhookSource.BadPayload("Mailgun message-headers is not valid JSON");
        }
        return headers;
    }
}
