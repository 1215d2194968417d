package dev.switchboard.workflows.streams;

import dev.switchboard.schemas.events.CloudEventsKafka;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The reconciliation stage: invoices and payments, brought together by currency ({@code reconcile.by-currency}),
 * meet in one processor ({@code reconcile.match}) that keeps the open invoices and the payments still
 * waiting for one. A payment that settles invoices ({@link PaymentMatcher}) makes an {@code invoice.paid}
 * or {@code invoice.partially_paid} event per invoice; one that settles none waits, is tried again
 * whenever an invoice of its currency arrives, and after {@code unmatched_after} (a wall-clock
 * punctuation) makes one {@code payment.unmatched} event. Every change of an open invoice is written to
 * the open-invoices topic (a tombstone once paid). Invoices and payments seen before are not counted
 * again, so a statement imported twice pays nothing twice; with {@code exactly_once_v2} the events, the
 * state and the input offsets commit together.
 */
public final class ReconcileTopology {

    public static final String OPEN_STORE = "reconcile.invoices.open";
    public static final String SETTLED_STORE = "reconcile.invoices.settled";
    public static final String PENDING_STORE = "reconcile.payments.pending";
    public static final String DONE_STORE = "reconcile.payments.done";
    /** The CloudEvents {@code source} of what the stage writes. */
    public static final String EVENT_SOURCE = "/switchboard/reconcile";
    static final String STAGE = "reconcile";
    /** The longest a payment past its wait goes unreported. */
    static final Duration MAX_TICK = Duration.ofMinutes(1);

    /** {@code kafka.streams.reconcile}, resolved. */
    public record Settings(List<String> topics, String output, String openInvoices, BigDecimal tolerance, Duration unmatchedAfter) {
        public Settings {
            topics = List.copyOf(topics);
        }
    }

    /** What the matcher forwards: an event for the output topic, or an invoice's state for the open-invoices topic (null once paid). */
    record Output(boolean open, byte[] value) {
    }

    private ReconcileTopology() {
    }

    public static Topology build(Settings settings, StreamsObserver observer) {
        return build(settings, observer, CloudEventsKafka.Mode.STRUCTURED);
    }

    /** The same, writing its events in {@code mode}; it reads events in either mode. The open-invoices topic holds plain JSON states. */
    public static Topology build(Settings settings, StreamsObserver observer, CloudEventsKafka.Mode mode) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Output> outputs = builder
                .stream(settings.topics(), Consumed.with(Serdes.ByteArray(), CloudEventsSerde.read()).withName("reconcile.read"))
                .flatMap((key, bytes) -> {
                    List<KeyValue<String, LedgerInput>> out = new ArrayList<>(1);
                    LedgerInput input = LedgerInput.of(bytes);
                    if (input != null) {
                        out.add(KeyValue.pair(input.currency(), input));
                    } else if (bytes != null && readsType(bytes)) {
                        observer.count(STAGE, "invalid");
                    }
                    return out;
                }, Named.as("reconcile.select"))
                .repartition(Repartitioned.<String, LedgerInput>as("reconcile.by-currency")
                        .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(LedgerInput.class)))
                .process(new Reconciler(settings, observer), Named.as("reconcile.match"));
        outputs.split(Named.as("reconcile.route."))
                .branch((key, output) -> output.open(), Branched.withConsumer(open -> open
                        .mapValues(Output::value, Named.as("reconcile.open-state"))
                        .to(settings.openInvoices(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("reconcile.write-open")), "open"))
                .defaultBranch(Branched.withConsumer(events -> events
                        .mapValues(Output::value, Named.as("reconcile.event"))
                        .to(settings.output(), Produced.with(Serdes.String(), CloudEventsSerde.written(mode)).withName("reconcile.write")), "events"));
        return builder.build();
    }

    private static boolean readsType(byte[] bytes) {
        com.fasterxml.jackson.databind.JsonNode event = EventKey.parse(bytes);
        return event != null && LedgerInput.reads(event.path("type").asText());
    }

    /** How often the wait of pending payments is checked: a quarter of the wait, at most a minute. */
    static Duration tick(Duration unmatchedAfter) {
        Duration quarter = unmatchedAfter.dividedBy(4);
        return quarter.compareTo(MAX_TICK) > 0 ? MAX_TICK : quarter.isZero() ? Duration.ofMillis(100) : quarter;
    }

    private record Reconciler(Settings settings, StreamsObserver observer) implements ProcessorSupplier<String, LedgerInput, String, Output> {

        @Override
        public Set<StoreBuilder<?>> stores() {
            JsonSerde<OpenInvoice> invoices = new JsonSerde<>(OpenInvoice.class);
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(), invoices),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SETTLED_STORE), Serdes.String(), invoices),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), new JsonSerde<>(LedgerPayment.class)),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DONE_STORE), Serdes.String(), Serdes.String()));
        }

        @Override
        public Processor<String, LedgerInput, String, Output> get() {
            return new ReconcileProcessor(settings, new PaymentMatcher(settings.tolerance()), observer);
        }
    }

    private static final class ReconcileProcessor implements Processor<String, LedgerInput, String, Output> {
        private final Settings settings;
        private final PaymentMatcher matcher;
        private final StreamsObserver observer;
        private ProcessorContext<String, Output> context;
        private KeyValueStore<String, OpenInvoice> open;
        private KeyValueStore<String, OpenInvoice> settled;
        private KeyValueStore<String, LedgerPayment> pending;
        private KeyValueStore<String, String> done;

        ReconcileProcessor(Settings settings, PaymentMatcher matcher, StreamsObserver observer) {
            this.settings = settings;
            this.matcher = matcher;
            this.observer = observer;
        }

        @Override
        public void init(ProcessorContext<String, Output> context) {
            this.context = context;
            this.open = context.getStateStore(OPEN_STORE);
            this.settled = context.getStateStore(SETTLED_STORE);
            this.pending = context.getStateStore(PENDING_STORE);
            this.done = context.getStateStore(DONE_STORE);
            context.schedule(tick(settings.unmatchedAfter()), PunctuationType.WALL_CLOCK_TIME, this::reportUnmatched);
        }

        @Override
        public void process(Record<String, LedgerInput> record) {
            LedgerInput input = record.value();
            if (input.invoice() != null) {
                openInvoice(input.invoice(), record.timestamp());
            } else {
                receive(input.payment().seenAt(context.currentSystemTimeMs()), record.timestamp());
            }
        }

        private void openInvoice(OpenInvoice invoice, long time) {
            String key = key(invoice.currency(), invoice.invoiceKey());
            if (open.get(key) != null || settled.get(invoice.invoiceKey()) != null) {
                observer.count(STAGE, "duplicate");
                return;
            }
            open.put(key, invoice);
            forwardState(invoice, time);
            observer.count(STAGE, "invoice");
            // a payment that came first may be waiting for this very invoice
            List<LedgerPayment> waiting = new ArrayList<>();
            try (KeyValueIterator<String, LedgerPayment> payments = pending.prefixScan(invoice.currency() + "|", new StringSerializer())) {
                payments.forEachRemaining(entry -> waiting.add(entry.value));
            }
            waiting.sort(Comparator.comparingLong(LedgerPayment::receivedAt).thenComparing(LedgerPayment::paymentId));
            for (LedgerPayment payment : waiting) {
                if (settle(payment, time)) {
                    pending.delete(key(payment.currency(), payment.paymentId()));
                }
            }
        }

        private void receive(LedgerPayment payment, long time) {
            if (done.get(payment.paymentId()) != null || pending.get(key(payment.currency(), payment.paymentId())) != null) {
                observer.count(STAGE, "duplicate");
                return;
            }
            observer.count(STAGE, "payment");
            if (!settle(payment, time)) {
                pending.put(key(payment.currency(), payment.paymentId()), payment);
                observer.count(STAGE, "waiting");
            }
        }

        /** Applies the payment to the invoices it settles; false when it settles none. */
        private boolean settle(LedgerPayment payment, long time) {
            List<OpenInvoice> candidates = new ArrayList<>();
            try (KeyValueIterator<String, OpenInvoice> invoices = open.prefixScan(payment.currency() + "|", new StringSerializer())) {
                invoices.forEachRemaining(entry -> candidates.add(entry.value));
            }
            PaymentMatcher.Match match = matcher.match(payment, candidates).orElse(null);
            if (match == null) {
                return false;
            }
            for (PaymentMatcher.Allocation allocation : match.allocations()) {
                OpenInvoice before = allocation.invoice();
                OpenInvoice after = before.apply(payment.paymentId(), allocation.applied(), payment.bookingDate(), match.matchedBy(),
                        settings.tolerance());
                String key = key(after.currency(), after.invoiceKey());
                if (after.outstanding().signum() == 0) {
                    open.delete(key);
                    settled.put(after.invoiceKey(), after);
                    observer.count(STAGE, "paid");
                } else {
                    open.put(key, after);
                    observer.count(STAGE, "partially_paid");
                }
                context.forward(new Record<>(after.invoiceKey(), new Output(false,
                        ReconcileEvents.settled(after, payment, allocation.applied(), match.matchedBy(), time)), time));
                forwardState(after, time);
            }
            done.put(payment.paymentId(), match.matchedBy());
            return true;
        }

        private void forwardState(OpenInvoice invoice, long time) {
            byte[] state = invoice.outstanding().signum() == 0 ? null : ReconcileEvents.state(invoice);
            context.forward(new Record<>(invoice.invoiceKey(), new Output(true, state), time));
        }

        private void reportUnmatched(long now) {
            List<LedgerPayment> due = new ArrayList<>();
            try (KeyValueIterator<String, LedgerPayment> payments = pending.all()) {
                payments.forEachRemaining(entry -> {
                    LedgerPayment payment = entry.value;
                    if (!payment.reported() && now - payment.receivedAt() >= settings.unmatchedAfter().toMillis()) {
                        due.add(payment);
                    }
                });
            }
            for (LedgerPayment payment : due) {
                context.forward(new Record<>(payment.paymentId(), new Output(false, ReconcileEvents.unmatched(payment, now)), now));
                pending.put(key(payment.currency(), payment.paymentId()), payment.asReported());
                observer.count(STAGE, "unmatched");
            }
        }

        private static String key(String currency, String id) {
            return currency + "|" + id;
        }
    }
}
