package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SecretValue;
import dev.switchboard.connectors.sources.mail.ImapSource;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.PublishingOptions;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Makes {@link ImapSource}s: a mailbox polled over IMAP or IMAPS (camel-mail), each new message published as {@code email.received}. */
public final class ImapSourceFactory implements SourceFactory<ImapSourceFactory.Options> {

    /** An IMAP keyword is an atom: no spaces, parentheses, braces, quotes, backslash, percent, asterisk or ']'. */
    private static final Pattern KEYWORD = Pattern.compile("[!#$&'+\\-.0-9:;<=>?@A-Z^_`a-z|~/,]{1,64}");

    @Documentation(name = "imap", summary = "Polls an IMAP mailbox and publishes each new message as an email.received event.",
            description = """
                    Connects with IMAPS (TLS from the first byte, the server's certificate and host name checked against \
                    the JVM's trust store) or IMAP (with `starttls`, required by default). Every `poll_seconds` it reads \
                    up to `max_messages_per_poll` messages of `folder`, without marking them read, publishes each as \
                    `email.received` (the same data as the inbound-mail webhooks: `message_id`, `thread_id` from \
                    References / In-Reply-To, `from`, `to`, `cc`, `subject`, `text` from the plain part or the HTML part \
                    converted to text, and `attachments` with name, type, decoded size and, for the types in \
                    `attachment_types` (PDF and text by default), their text or the reason it could not be read, never \
                    the bytes) and only \
                    after Kafka acknowledged the event marks the message processed, as `after_processing` says: \
                    `seen` flags it `\\Seen` (only unseen mail is read), `move` moves it to `move_to` (every message in \
                    the folder is read; the folder is created if missing), `keyword` adds the IMAP keyword `keyword` \
                    and leaves `\\Seen` as it was (every message without the keyword is read, so people may read the \
                    mailbox too). A message Kafka did not acknowledge stays as it was and is read again at the next \
                    poll; its event id (a hash of the Message-ID, as for the webhooks) is the same, so a workflow \
                    creates one task for it. Events have `source: /email/imap`, `subject` the Message-ID and the thread \
                    id as Kafka key.""")
    @Example(title = "A support mailbox over IMAPS, processed mail moved to a folder", yaml = """
            support-mailbox:
              imap:
                host: imap.example.com
                username: support@example.com
                password_env: SUPPORT_IMAP_PASSWORD
                folder: INBOX
                after_processing: move
                move_to: Switchboard/Processed
                poll_seconds: 30
            """)
    @Example(title = "A shared inbox people also read: processed mail tagged with a keyword", yaml = """
            shared-inbox:
              imap:
                host: mail.internal
                port: 143
                protocol: imap
                username: shared-inbox
                password_env: SHARED_INBOX_PASSWORD
                after_processing: keyword
                keyword: switchboard-processed
            """)
    public record Options(
            @Option(description = "Host name of the IMAP server.", required = true) String host,
            @Option(description = "Port of the IMAP server. When omitted, 993 for `imaps` and 143 for `imap`.", minimum = 1, maximum = 65535)
            Integer port,
            @Option(description = "`imaps`: TLS from the start; `imap`: plain IMAP, upgraded with STARTTLS when `starttls` is true.",
                    defaultValue = "imaps", allowed = {"imaps", "imap"})
            String protocol,
            @Option(description = "For `imap`: require STARTTLS (the connection fails if the server does not offer it). Set false "
                    + "only for a server on a trusted network or on this machine.", defaultValue = "true")
            Boolean starttls,
            @Option(description = "User name to log in with.", required = true) String username,
            @Option(description = "Environment variable holding the password (or an app password). Give this or `password_file`.",
                    secret = true)
            @JsonProperty("password_env") String passwordEnv,
            @Option(description = "File holding the password, relative to the configuration file; surrounding whitespace is ignored. "
                    + "Give this or `password_env`.", secret = true)
            @JsonProperty("password_file") String passwordFile,
            @Option(description = "Folder to read.", defaultValue = "INBOX") String folder,
            @Option(description = "What marks a message processed, once Kafka acknowledged its event: `seen` (the `\\Seen` flag; "
                    + "only unseen mail is read), `move` (to `move_to`), `keyword` (the IMAP keyword `keyword`, leaving `\\Seen` as it was).",
                    defaultValue = "seen", allowed = {"seen", "move", "keyword"})
            @JsonProperty("after_processing") String afterProcessing,
            @Option(description = "For `move`: the folder processed mail goes to (created if missing), e.g. `Archive/Switchboard`.")
            @JsonProperty("move_to") String moveTo,
            @Option(description = "For `keyword`: the IMAP keyword set on processed mail (an atom: letters, digits, `$-_.` …; the "
                    + "server must allow custom keywords).", defaultValue = "switchboard-processed")
            String keyword,
            @Option(description = "Seconds between polls.", defaultValue = "30", minimum = 1, maximum = 3600)
            @JsonProperty("poll_seconds") Integer pollSeconds,
            @Option(description = "Most messages read in one poll; the rest wait for the next.", defaultValue = "50", minimum = 1, maximum = 1000)
            @JsonProperty("max_messages_per_poll") Integer maxMessagesPerPoll,
            @Option(description = "Kafka topic the events are published to.", defaultValue = "switchboard.events") String topic,
            @Option(description = "Seconds to wait for Kafka to acknowledge an event; without an acknowledgement the message stays "
                    + "unprocessed and is read again at the next poll.", defaultValue = "10", minimum = 1, maximum = 120)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds,
            @OptionGroup AttachmentText attachments) implements PublishingOptions {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        String mode = options.afterProcessing();
        if ("move".equals(mode) && (options.moveTo() == null || options.moveTo().isBlank())) {
            problems.add(OptionProblem.at("move_to", "Missing folder").fix(": after_processing 'move' needs the folder processed mail "
                    + "goes to. Add e.g. move_to: Archive/Switchboard"));
        }
        if (!"move".equals(mode) && options.moveTo() != null) {
            problems.add(OptionProblem.at("move_to", "Unused option").got(options.moveTo()).fix(", but after_processing is '" + mode
                    + "'. Set after_processing: move, or remove move_to"));
        }
        if (options.moveTo() != null && options.moveTo().equalsIgnoreCase(options.folder())) {
            problems.add(OptionProblem.at("move_to", "Invalid folder").got(options.moveTo())
                    .fix(", the folder being read. Choose another folder"));
        }
        if (!KEYWORD.matcher(options.keyword()).matches()) {
            problems.add(OptionProblem.at("keyword", "Invalid keyword").got(options.keyword())
                    .expected("an IMAP atom of up to 64 characters without spaces, parentheses, braces, quotes, '\\', '%', '*' or ']'")
                    .fix("Use e.g. switchboard-processed"));
        }
        if (!options.starttls() && "imaps".equals(options.protocol())) {
            problems.add(OptionProblem.at("starttls", "Unused option").got(false)
                    .fix(", but protocol 'imaps' always uses TLS. Remove starttls"));
        }
        problems.addAll(options.attachments().check());
        problems.addAll(SecretValue.check("password", options.passwordEnv(), options.passwordFile(), "password_env", true,
                "mailbox password", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        String password = SecretValue.read(options.passwordEnv(), options.passwordFile(), environment).orElseThrow(() ->
                new IllegalStateException("Source " + name + ": the mailbox password in " + (options.passwordEnv() != null
                        ? "environment variable " + options.passwordEnv() : "file " + options.passwordFile()) + " is not set"));
        // no declared default: the port follows the protocol
        int port = options.port() != null ? options.port() : "imaps".equals(options.protocol()) ? 993 : 143;
        return new ImapSource(name,
                new ImapSource.Mailbox(options.protocol(), options.host(), port, options.starttls(), options.username(), password,
                        options.folder()),
                new ImapSource.Marking(ImapSource.AfterProcessing.valueOf(options.afterProcessing().toUpperCase(Locale.ROOT)),
                        options.moveTo(), options.keyword()),
                new ImapSource.Polling(Duration.ofSeconds(options.pollSeconds()), options.maxMessagesPerPoll()),
                new EventTarget(environment.events(), options.topic(), Duration.ofSeconds(options.ackTimeoutSeconds())),
                options.attachments());
    }
}
