package dev.switchboard.workflows.streams;

import static dev.switchboard.workflows.streams.ReconcileEvents.putIfPresent;

import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.workflows.model.ScheduleTrigger;
import dev.switchboard.workflows.model.TriggerChecks;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;
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
 * The stage of a workflow with {@code on.schedule.overdue}: a table of the open receivables, read from
 * the open-invoices topic the reconciliation stage writes (a paid invoice leaves it), and a wall-clock
 * punctuation that, when the schedule falls due, makes one {@code invoice.overdue} event for each
 * invoice that has reached a stage of the ladder it was not reminded of yet. The stage reached is kept
 * per invoice ({@code overdue.sent}), so each stage is sent at most once; the event's id follows from
 * workflow, invoice and stage, so a replay makes the same task, which delivery sends once.
 */
public final class OverdueTopology {

    public static final String INVOICES_STORE = "overdue.invoices";
    public static final String SENT_STORE = "overdue.sent";
    public static final String SCHEDULE_STORE = "overdue.schedule";

    private OverdueTopology() {
    }

    public static Topology build(String workflow, ScheduleTrigger schedule, String openInvoices, String output, StreamsObserver observer) {
        return build(workflow, schedule, openInvoices, output, observer, CloudEventsKafka.Mode.STRUCTURED);
    }

    /** The same, writing its {@code invoice.overdue} events in {@code mode}. */
    public static Topology build(String workflow, ScheduleTrigger schedule, String openInvoices, String output, StreamsObserver observer,
                                 CloudEventsKafka.Mode mode) {
        Topology topology = new Topology();
        topology.addSource("overdue.read", new StringDeserializer(), new ByteArrayDeserializer(), openInvoices);
        topology.addProcessor("overdue.remind", new Reminders(workflow, schedule, observer), "overdue.read");
        topology.addSink("overdue.write", output, new StringSerializer(), CloudEventsSerde.written(mode).serializer(), "overdue.remind");
        return topology;
    }

    private record Reminders(String workflow, DigestSchedule schedule, List<ScheduleTrigger.Stage> stages, StreamsObserver observer)
            implements ProcessorSupplier<String, byte[], String, byte[]> {

        Reminders(String workflow, ScheduleTrigger trigger, StreamsObserver observer) {
            this(workflow, DigestSchedule.of(trigger), List.copyOf(trigger.overdue().stages()), observer);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INVOICES_STORE), Serdes.String(), new JsonSerde<>(OpenInvoice.class)),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SENT_STORE), Serdes.String(), Serdes.Integer()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCHEDULE_STORE), Serdes.String(), Serdes.String()));
        }

        @Override
        public Processor<String, byte[], String, byte[]> get() {
            return new Processor<>() {
                private ProcessorContext<String, byte[]> context;
                private KeyValueStore<String, OpenInvoice> invoices;
                private KeyValueStore<String, Integer> sent;
                private KeyValueStore<String, String> due;
                private final JsonSerde<OpenInvoice> serde = new JsonSerde<>(OpenInvoice.class);

                @Override
                public void init(ProcessorContext<String, byte[]> context) {
                    this.context = context;
                    this.invoices = context.getStateStore(INVOICES_STORE);
                    this.sent = context.getStateStore(SENT_STORE);
                    this.due = context.getStateStore(SCHEDULE_STORE);
                    if (due.get("next") == null) {
                        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
                        due.put("next", schedule.next(now, now).toString());
                    }
                    context.schedule(DigestTopology.TICK, PunctuationType.WALL_CLOCK_TIME, this::remind);
                }

                @Override
                public void process(Record<String, byte[]> record) {
                    OpenInvoice invoice = record.value() == null ? null : read(record.value());
                    if (invoice == null || !OpenInvoice.RECEIVABLE.equals(invoice.kind()) || invoice.outstanding().signum() == 0) {
                        // paid (a tombstone), or not ours to remind: no reminder from now on
                        invoices.delete(record.key());
                        sent.delete(record.key());
                        return;
                    }
                    invoices.put(record.key(), invoice);
                }

                private OpenInvoice read(byte[] bytes) {
                    try {
                        return serde.deserializer().deserialize(null, bytes);
                    } catch (RuntimeException e) {
                        return null;
                    }
                }

                private void remind(long nowMillis) {
                    Instant now = Instant.ofEpochMilli(nowMillis);
                    Instant next = Instant.parse(due.get("next"));
                    if (now.isBefore(next)) {
                        return;
                    }
                    LocalDate today = LocalDate.ofInstant(now, schedule.zone());
                    List<OpenInvoice> open = new ArrayList<>();
                    try (KeyValueIterator<String, OpenInvoice> all = invoices.all()) {
                        all.forEachRemaining(entry -> open.add(entry.value));
                    }
                    for (OpenInvoice invoice : open) {
                        LocalDate dueDate = date(invoice.dueDate());
                        if (dueDate == null) {
                            continue;
                        }
                        int reached = reached(dueDate, today);
                        Integer already = sent.get(invoice.invoiceKey());
                        if (reached > 0 && (already == null || reached > already)) {
                            ScheduleTrigger.Stage stage = stages.get(reached - 1);
                            context.forward(new Record<>(invoice.invoiceKey(), event(invoice, stage, reached, dueDate, today, now), nowMillis));
                            sent.put(invoice.invoiceKey(), reached);
                            observer.count("overdue:" + workflow, "reminded");
                        }
                    }
                    due.put("next", schedule.next(next, now).toString());
                }
            };
        }

        /** The number (1-based) of the latest stage reached on {@code today}, or 0. */
        private int reached(LocalDate dueDate, LocalDate today) {
            int reached = 0;
            for (int i = 0; i < stages.size(); i++) {
                Period after = TriggerChecks.days(stages.get(i).after());
                if (after != null && !today.isBefore(dueDate.plus(after))) {
                    reached = i + 1;
                }
            }
            return reached;
        }

        private byte[] event(OpenInvoice invoice, ScheduleTrigger.Stage stage, int number, LocalDate dueDate, LocalDate today, Instant now) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("workflow", workflow);
            data.put("invoice_key", invoice.invoiceKey());
            data.put("invoice_number", invoice.invoiceNumber());
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("name", invoice.counterparty().name());
            putIfPresent(customer, "email", invoice.counterparty().email());
            putIfPresent(customer, "contact", invoice.counterparty().contact());
            putIfPresent(customer, "language", invoice.counterparty().language());
            data.put("customer", customer);
            ReconcileEvents.putAmounts(data, invoice);
            data.put("due_date", dueDate.toString());
            data.put("days_overdue", ChronoUnit.DAYS.between(dueDate, today));
            data.put("stage", stage.name());
            data.put("stage_number", number);
            data.put("stage_count", stages.size());
            putIfPresent(data, "payment_reference", invoice.paymentReference());
            putIfPresent(data, "description", invoice.description());
            return DerivedEvents.event(DerivedEvents.id("ovd_", workflow, invoice.invoiceKey(), stage.name()), "/switchboard/overdue/" + workflow,
                    ScheduleTrigger.OVERDUE_TYPE, invoice.invoiceKey(), now, data);
        }

        private static LocalDate date(String text) {
            try {
                return text == null ? null : LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }
}
