package dev.switchboard.connectors.sources.mail;

import dev.switchboard.connectors.sources.Email;
import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.connectors.sources.attachment.AttachmentReader;
import dev.switchboard.connectors.sources.attachment.AttachmentText;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.schemas.spi.EventPublisher;
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
import java.util.concurrent.TimeUnit;
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

    private final String name;
    private final String protocol;
    private final String host;
    private final int port;
    private final boolean starttls;
    private final String username;
    private final String password;
    private final String folder;
    private final AfterProcessing afterProcessing;
    private final String moveTo;
    private final String keyword;
    private final Duration pollInterval;
    private final int maxMessagesPerPoll;
    private final EventPublisher publisher;
    private final String topic;
    private final Duration ackTimeout;
    private final AttachmentReader attachments;
    private final SourceHealth health = new SourceHealth("created");
    private final AtomicLong polls;
    private final AtomicLong published;
    private final AtomicLong notAcknowledged;
    private volatile CamelContext camel;
    private volatile Instant lastPollAt;
    /** Set when Kafka failed during the current poll; the poll's remaining messages then wait for the next one. */
    private volatile boolean kafkaFailedThisPoll;

    private ImapSource(Builder builder) {
        this.name = Objects.requireNonNull(builder.name, "name");
        this.protocol = Objects.requireNonNull(builder.protocol, "server");
        this.host = builder.host;
        this.port = builder.port;
        this.starttls = builder.starttls;
        this.username = Objects.requireNonNull(builder.username, "login");
        this.password = builder.password;
        this.folder = builder.folder;
        this.afterProcessing = builder.afterProcessing;
        this.moveTo = builder.moveTo;
        this.keyword = builder.keyword;
        this.pollInterval = builder.pollInterval;
        this.maxMessagesPerPoll = builder.maxMessagesPerPoll;
        this.publisher = Objects.requireNonNull(builder.publisher, "publishTo");
        this.topic = builder.topic;
        this.ackTimeout = builder.ackTimeout;
        this.attachments = new AttachmentReader(builder.attachments);
        if (afterProcessing == AfterProcessing.MOVE && (moveTo == null || moveTo.isBlank())) {
            throw new IllegalArgumentException("afterProcessing MOVE needs the folder to move to");
        }
        health.detail("mailbox", () -> protocol + "://" + host + ":" + port + "/" + folder);
        this.polls = health.counter("polls");
        this.published = health.counter("events_published");
        this.notAcknowledged = health.counter("events_not_acknowledged");
        health.detail("last_poll_at", () -> lastPollAt == null ? null : lastPollAt.toString());
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("switchboard-source-" + name);
        MailEndpoint endpoint = context.getEndpoint(protocol + "://" + host + ":" + port, MailEndpoint.class);
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
        configuration.setUsername(username);
        configuration.setPassword(password);
        configuration.setFolderName(folder);
        configuration.setPeek(true);
        configuration.setMapMailMessage(false);
        configuration.setCloseFolder(true); // expunges moved mail at the end of each poll
        configuration.setDisconnect(false);
        configuration.setDelete(false);
        configuration.setUnseen(afterProcessing == AfterProcessing.SEEN);
        if (afterProcessing == AfterProcessing.MOVE) {
            configuration.setMoveTo(moveTo);
        }
        Properties mail = new Properties();
        if ("imap".equals(protocol) && starttls) {
            mail.setProperty("mail.imap.starttls.enable", "true");
            mail.setProperty("mail.imap.starttls.required", "true");
        }
        mail.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
        configuration.setAdditionalJavaMailProperties(mail);
        if (afterProcessing == AfterProcessing.KEYWORD) {
            endpoint.setSearchTerm(new NotTerm(new FlagTerm(new Flags(keyword), true)));
        }
        endpoint.setMaxMessagesPerPoll(maxMessagesPerPoll);
        endpoint.setInitialDelay(0);
        endpoint.setDelay(pollInterval.toMillis());
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
            publisher.publish(topic, event.key(), event.bytes()).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            kafkaFailedThisPoll = true;
            notAcknowledged.incrementAndGet();
            String reason = e instanceof TimeoutException ? "no acknowledgement within " + ackTimeout.toSeconds() + " s"
                    : String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
            health.failed("Kafka did not acknowledge " + event.id() + " (" + email.messageId() + "): " + reason);
            throw new KafkaNotAcknowledged(health.lastError() + "; the message stays unprocessed and is read again at the next poll");
        }
        published.incrementAndGet();
        if (afterProcessing == AfterProcessing.KEYWORD) {
            mail.setFlags(new Flags(keyword), true);
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
            health.failed("Polling " + protocol + "://" + host + ":" + port + "/" + folder + " failed: " + cause.getMessage());
            LOG.warn("Source {}: {}; trying again in {} s", name, health.lastError(), pollInterval.toSeconds());
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

    /** Builds a poller; server, login, folder and publishTo are required. */
    public static final class Builder {
        private final String name;
        private String protocol;
        private String host;
        private int port;
        private boolean starttls = true;
        private String username;
        private String password;
        private String folder = "INBOX";
        private AfterProcessing afterProcessing = AfterProcessing.SEEN;
        private String moveTo;
        private String keyword = "switchboard-processed";
        private Duration pollInterval = Duration.ofSeconds(30);
        private int maxMessagesPerPoll = 50;
        private EventPublisher publisher;
        private String topic = "switchboard.events";
        private Duration ackTimeout = Duration.ofSeconds(10);
        private AttachmentText attachments = AttachmentText.none();

        private Builder(String name) {
            this.name = name;
        }

        /** @param protocol {@code imaps} or {@code imap}; {@code starttls} applies to {@code imap} */
        public Builder server(String protocol, String host, int port, boolean starttls) {
            if (!"imaps".equals(protocol) && !"imap".equals(protocol)) {
                throw new IllegalArgumentException("protocol must be imaps or imap, got " + protocol);
            }
            this.protocol = protocol;
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            this.starttls = starttls;
            return this;
        }

        public Builder login(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder folder(String folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** @param moveTo the folder for {@code MOVE}; @param keyword the IMAP keyword for {@code KEYWORD} */
        public Builder afterProcessing(AfterProcessing afterProcessing, String moveTo, String keyword) {
            this.afterProcessing = Objects.requireNonNull(afterProcessing, "afterProcessing");
            this.moveTo = moveTo;
            this.keyword = keyword;
            return this;
        }

        public Builder poll(Duration interval, int maxMessagesPerPoll) {
            this.pollInterval = interval;
            this.maxMessagesPerPoll = maxMessagesPerPoll;
            return this;
        }

        public Builder publishTo(EventPublisher publisher, String topic, Duration ackTimeout) {
            this.publisher = publisher;
            this.topic = topic;
            this.ackTimeout = ackTimeout;
            return this;
        }

        /** Which attachments' text the events carry, and the caps on reading it; none unless set. */
        public Builder attachments(AttachmentText attachments) {
            this.attachments = Objects.requireNonNull(attachments, "attachments");
            return this;
        }

        public ImapSource build() {
            return new ImapSource(this);
        }
    }
}
