package dev.switchboard.connectors.sources.mail;

import dev.switchboard.connectors.sources.Email;
import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.schemas.spi.Source;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.NotTerm;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailConfiguration;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one IMAP folder with camel-mail on a Camel context of its own. Each message is read without
 * setting {@code \Seen} (IMAP peek), published, and marked processed (flag, keyword or move) only
 * after Kafka acknowledged the event; when Kafka does not, the exchange fails, camel-mail leaves the
 * message as it was, and the next poll reads it again under the same event id.
 */
public final class ImapSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSource.class);

    /** How a processed message is marked. */
    public enum AfterProcessing { SEEN, MOVE, KEYWORD }

    /**
     * The mailbox to poll.
     *
     * @param protocol {@code imaps} or {@code imap}; {@code starttls} applies to {@code imap}
     */
    public record Mailbox(String protocol, String host, int port, boolean starttls, String username, String password, String folder) {
        public Mailbox {
            if (!"imaps".equals(protocol) && !"imap".equals(protocol)) {
                throw new IllegalArgumentException("protocol must be imaps or imap, got " + protocol);
            }
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "login");
            Objects.requireNonNull(folder, "folder");
        }

        /** The server, as camel-mail's endpoint URI names it. */
        String server() {
            return protocol + "://" + host + ":" + port;
        }

        /** The mailbox as messages and health name it; never the password. */
        @Override
        public String toString() {
            return server() + "/" + folder;
        }
    }

    /**
     * How a processed message is marked.
     *
     * @param moveTo  the folder for {@code MOVE}
     * @param keyword the IMAP keyword for {@code KEYWORD}
     */
    public record Marking(AfterProcessing mode, String moveTo, String keyword) {
        public Marking {
            Objects.requireNonNull(mode, "afterProcessing");
            if (mode == AfterProcessing.MOVE && (moveTo == null || moveTo.isBlank())) {
                throw new IllegalArgumentException("afterProcessing MOVE needs the folder to move to");
            }
        }
    }

    /** How often the mailbox is read, and how many messages one poll takes at most. */
    public record Polling(Duration interval, int maxMessages) {
    }

    private final String name;
    private final Mailbox mailbox;
    private final Marking marking;
    private final Polling polling;
    private final EventTarget target;
    private final AttachmentReader attachments;
    private final SourceHealth health = new SourceHealth("created");
    private final AtomicLong polls;
    private final AtomicLong published;
    private final AtomicLong notAcknowledged;
    private volatile CamelContext camel;
    private volatile Instant lastPollAt;
    /** Set when Kafka failed during the current poll; the poll's remaining messages then wait for the next one. */
    private volatile boolean kafkaFailedThisPoll;

    /** @param attachments which attachments' text the events carry, and the caps on reading it */
    public ImapSource(String name, Mailbox mailbox, Marking marking, Polling polling, EventTarget target, AttachmentText attachments) {
        this.name = Objects.requireNonNull(name, "name");
        this.mailbox = mailbox;
        this.marking = marking;
        this.polling = polling;
        this.target = target;
        this.attachments = new AttachmentReader(Objects.requireNonNull(attachments, "attachments"));
        health.detail("mailbox", mailbox::toString);
        this.polls = health.counter("polls");
        this.published = health.counter("events_published");
        this.notAcknowledged = health.counter("events_not_acknowledged");
        health.detail("last_poll_at", () -> lastPollAt == null ? null : lastPollAt.toString());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("switchboard-source-" + name);
        MailEndpoint endpoint = context.getEndpoint(mailbox.server(), MailEndpoint.class);
        configure(endpoint);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // A failed exchange is reported once, by camel-mail's rollback (which leaves the message as it was).
                errorHandler(noErrorHandler());
                from(endpoint).routeId("source." + name).process(ImapSource.this::publish);
            }
        });
        camel = context;
        context.start();
        health.state("running");
    }

    private void configure(MailEndpoint endpoint) {
        MailConfiguration configuration = endpoint.getConfiguration();
        configuration.setUsername(mailbox.username());
        configuration.setPassword(mailbox.password());
        configuration.setFolderName(mailbox.folder());
        configuration.setPeek(true);
        configuration.setMapMailMessage(false);
        configuration.setCloseFolder(true); // expunges moved mail at the end of each poll
        configuration.setDisconnect(false);
        configuration.setDelete(false);
        configuration.setUnseen(marking.mode() == AfterProcessing.SEEN);
        if (marking.mode() == AfterProcessing.MOVE) {
            configuration.setMoveTo(marking.moveTo());
        }
        Properties mail = new Properties();
        if ("imap".equals(mailbox.protocol()) && mailbox.starttls()) {
            mail.setProperty("mail.imap.starttls.enable", "true");
            mail.setProperty("mail.imap.starttls.required", "true");
        }
        mail.setProperty("mail." + mailbox.protocol() + ".ssl.checkserveridentity", "true");
        configuration.setAdditionalJavaMailProperties(mail);
        if (marking.mode() == AfterProcessing.KEYWORD) {
            endpoint.setSearchTerm(new NotTerm(new FlagTerm(new Flags(marking.keyword()), true)));
        }
        endpoint.setMaxMessagesPerPoll(polling.maxMessages());
        endpoint.setInitialDelay(0);
        endpoint.setDelay(polling.interval().toMillis());
        endpoint.setPollStrategy(new PollOutcome());
    }

    /** Publishes one message and waits for Kafka; marks it with the keyword only then. */
    private void publish(Exchange exchange) throws Exception {
        if (kafkaFailedThisPoll) {
            // rather than wait for Kafka once per message
            throw new KafkaNotAcknowledged("Kafka did not acknowledge an earlier message of this poll; left for the next poll");
        }
        Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        boolean seenBefore = mail.isSet(Flags.Flag.SEEN);
        Email email = MimeEmail.read(mail, attachments);
        SourceEvent event = email.toEvent("imap");
        try {
            target.publishAndWait(event);
        } catch (ExecutionException | TimeoutException e) {
            kafkaFailedThisPoll = true;
            notAcknowledged.incrementAndGet();
            String reason = e instanceof TimeoutException ? "no acknowledgement within " + target.ackTimeout().toSeconds() + " s"
                    : String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
            health.failed("Kafka did not acknowledge " + event.id() + " (" + email.messageId() + "): " + reason);
            throw new KafkaNotAcknowledged(health.lastError() + "; the message stays unprocessed and is read again at the next poll");
        }
        published.incrementAndGet();
        if (marking.mode() == AfterProcessing.KEYWORD) {
            mail.setFlags(new Flags(marking.keyword()), true);
            if (!seenBefore) {
                // camel-mail flags every committed message \Seen; in keyword mode people keep their own read state.
                exchange.getExchangeExtension().addOnCompletion(new RestoreUnseen(mail));
            }
        }
    }

    /** Runs after camel-mail's own commit (which sets \Seen), and clears the flag again. */
    private static final class RestoreUnseen extends SynchronizationAdapter {
        private final Message mail;

        RestoreUnseen(Message mail) {
            this.mail = mail;
        }

        @Override
        public void onComplete(Exchange exchange) {
            try {
                mail.setFlag(Flags.Flag.SEEN, false);
            } catch (MessagingException e) {
                LOG.debug("Could not clear \\Seen on a processed message", e);
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST;
        }

        @Override
        public boolean allowHandover() {
            return false;
        }
    }

    /** Keeps the outcome of each poll for {@link #health()}; a failed poll is logged once, briefly. */
    private final class PollOutcome implements PollingConsumerPollStrategy {
        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            kafkaFailedThisPoll = false;
            return true;
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
            polls.incrementAndGet();
            lastPollAt = Instant.now();
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
            health.failed("Polling " + mailbox + " failed: " + cause.getMessage());
            LOG.warn("Source {}: {}; trying again in {} s", name, health.lastError(), polling.interval().toSeconds());
            return false;
        }
    }

    /** Kafka did not acknowledge the event: a retriable failure, the message stays as it was. */
    static final class KafkaNotAcknowledged extends Exception {
        KafkaNotAcknowledged(String message) {
            super(message);
        }
    }

    @Override
    public Map<String, Object> health() {
        return health.report();
    }

    @Override
    public void close() {
        CamelContext context = camel;
        if (context != null) {
            try {
                context.stop();
            } catch (RuntimeException e) {
                LOG.warn("Source {}: stopping the mailbox poller failed: {}", name, e.getMessage());
            }
        }
        attachments.close();
        health.state("stopped");
    }
}
