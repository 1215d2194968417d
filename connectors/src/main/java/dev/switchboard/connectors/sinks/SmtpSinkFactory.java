package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes {@link SmtpSink}s: each task sent as an email through an SMTP server (Jakarta Mail), its
 * recipients, subject and bodies templates over the task, its Message-ID derived from the task id.
 */
public final class SmtpSinkFactory implements SinkFactory<SmtpSinkFactory.Options> {

    @Documentation(name = "smtp", summary = "Sends each task as an email through an SMTP server; the Message-ID comes from the task id.",
            description = """
                    `to`, `cc`, `subject`, `text` and `html` are templates over the task (`{{ task.title }}`, \
                    `{{ task.fields.email }}`, ...): values go into headers without line breaks, and into `html` escaped, so \
                    task data cannot add a header or markup. `to` and `cc` may render a comma-separated list.

                    Idempotency: the Message-ID is `<task id@message_id_domain>`, the same for every attempt of a task; mail \
                    programs and most archives show one message per Message-ID. SMTP has no way to ask whether a message \
                    arrived, so a crash between the server's acceptance and the receipt may send it twice, under the same \
                    Message-ID.

                    Security: `starttls` (default, port 587) upgrades the connection and fails if the server does not \
                    offer STARTTLS; `tls` (port 465) uses TLS from the first byte; both check the certificate and host name \
                    against the JVM's trust store. `none` (port 25) is for a relay on this machine or a trusted network. \
                    The host must be in `outbound.allowed_hosts`.

                    Failures follow the server's reply: 4xx (mailbox busy, greylisting, rate limits) and connection errors \
                    are retried; 5xx (unknown recipient, refused sender, failed authentication) dead-letter the task with \
                    the server's words. A recipient the task renders that is no address is refused without a connection.""")
    @Example(title = "Payment reminders through Microsoft 365 (STARTTLS, app password)", yaml = """
            finance-mail:
              smtp:
                host: smtp.office365.com
                username: finance@northwind.example
                password_env: FINANCE_SMTP_PASSWORD
                from: "Northwind Finance <finance@northwind.example>"
                to: "{{ task.fields.email }}"
                subject: "{{ task.title }}"
                text: "{{ task.body }}"
            """)
    @Example(title = "An HTML report to a team, over TLS", yaml = """
            weekly-report:
              smtp:
                host: mail.example.com
                security: tls
                username: reports
                password_file: /run/secrets/smtp-password
                from: reports@example.com
                to: ops@example.com, finance@example.com
                subject: "{{ task.title }}"
                html: "<h1>{{ task.title }}</h1><pre>{{ task.body }}</pre>"
            """)
    public record Options(
            @Option(description = "Host name of the SMTP server; it must be in `outbound.allowed_hosts`.", required = true) String host,
            @Option(description = "Port. When omitted: 587 for `starttls`, 465 for `tls`, 25 for `none`.", minimum = 1, maximum = 65535)
            Integer port,
            @Option(description = "`starttls`: plain connection upgraded with STARTTLS, required; `tls`: TLS from the first byte; "
                    + "`none`: no encryption (a relay on this machine or a trusted network only).",
                    defaultValue = "starttls", allowed = {"starttls", "tls", "none"})
            String security,
            @Option(description = "User name to authenticate with; without it the sink does not authenticate.") String username,
            @Option(description = "Environment variable holding the password (or app password). Give this or `password_file` with `username`.",
                    secret = true)
            @JsonProperty("password_env") String passwordEnv,
            @Option(description = "File holding the password, instead of `password_env`; read at each send, so rotation needs no restart.",
                    secret = true)
            @JsonProperty("password_file") String passwordFile,
            @Option(description = "The sender: an address, or `Name <address>`.", required = true) String from,
            @Option(description = "Recipients: a template over the task rendering one address or a comma-separated list.",
                    required = true, template = true)
            String to,
            @Option(description = "Copy recipients: a template over the task, like `to`.", template = true) String cc,
            @Option(description = "Address replies go to, when not the sender.") @JsonProperty("reply_to") String replyTo,
            @Option(description = "Subject: a template over the task.", defaultValue = "{{ task.title }}", template = true) String subject,
            @Option(description = "Plain-text body: a template over the task.", defaultValue = "{{ task.body }}", template = true) String text,
            @Option(description = "HTML body, sent with `text` as its alternative: a template over the task; inserted values are HTML-escaped.",
                    template = true)
            String html,
            @Option(description = "Domain of the Message-ID (`<task id@domain>`). Default: the domain of `from`.")
            @JsonProperty("message_id_domain") String messageIdDomain,
            @Option(description = "Seconds to connect, and for each read and write, before the attempt is retried.",
                    defaultValue = "30", minimum = 1, maximum = 300)
            @JsonProperty("timeout_seconds") Integer timeoutSeconds) {

        int effectivePort() {
            return port != null ? port : switch (security) {
                case "tls" -> 465;
                case "none" -> 25;
                default -> 587;
            };
        }
    }

    @Override
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        new OutboundPolicy(environment.allowedHosts()).refusal(options.host(), options.effectivePort())
                .ifPresent(reason -> problems.add(OptionProblem.at("host", "Refused host").fix(": " + reason)));
        address("from", options.from()).ifPresent(problems::add);
        if (options.replyTo() != null) {
            address("reply_to", options.replyTo()).ifPresent(problems::add);
        }
        problems.addAll(TaskTemplate.check(options.to(), "to", "recipient template"));
        if (options.cc() != null) {
            problems.addAll(TaskTemplate.check(options.cc(), "cc", "recipient template"));
        }
        problems.addAll(TaskTemplate.check(options.subject(), "subject", "subject template"));
        problems.addAll(TaskTemplate.check(options.text(), "text", "text template"));
        if (options.html() != null) {
            problems.addAll(TaskTemplate.check(options.html(), "html", "HTML template"));
        }
        boolean password = options.passwordEnv() != null || options.passwordFile() != null;
        if (options.username() != null || password) {
            problems.addAll(Secret.check("password", options.passwordEnv(), options.passwordFile(), true, environment.baseDir(),
                    environment::secret));
        }
        if (password && options.username() == null) {
            problems.add(OptionProblem.at("username", "Missing user name").fix(": a password is given, but no username to log in with. "
                    + "Add username, or remove the password"));
        }
        if (options.messageIdDomain() == null && domain(options.from()).isEmpty()) {
            problems.add(OptionProblem.at("message_id_domain", "Missing domain")
                    .fix(": 'from' has no domain to derive Message-IDs from. Set message_id_domain, e.g. example.com"));
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        Optional<Secret> password = Secret.of("password", options.passwordEnv(), options.passwordFile(), environment.baseDir(),
                environment::secret);
        String domain = options.messageIdDomain() != null ? options.messageIdDomain() : domain(options.from()).orElseThrow();
        return new SmtpSink(name, new SmtpSink.Server(options.host(), options.effectivePort(), options.security(),
                Duration.ofSeconds(options.timeoutSeconds()), null), options.username(), password,
                new SmtpSink.Templates(options.from(), options.replyTo(), TaskTemplate.parse(options.to()),
                        options.cc() == null ? null : TaskTemplate.parse(options.cc()), TaskTemplate.parse(options.subject()),
                        TaskTemplate.parse(options.text()), options.html() == null ? null : TaskTemplate.parse(options.html()), domain),
                new OutboundPolicy(environment.allowedHosts()));
    }

    private static Optional<OptionProblem> address(String option, String value) {
        try {
            new InternetAddress(value, true);
            return Optional.empty();
        } catch (AddressException e) {
            return Optional.of(OptionProblem.at(option, "Invalid address").got(value)
                    .expected("an email address, or Name <address>"));
        }
    }

    private static Optional<String> domain(String from) {
        try {
            String address = new InternetAddress(from, true).getAddress();
            int at = address.lastIndexOf('@');
            return at < 0 || at == address.length() - 1 ? Optional.empty() : Optional.of(address.substring(at + 1).toLowerCase(Locale.ROOT));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }
}
