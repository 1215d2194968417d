package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.schemas.events.ExactJson;
import dev.switchboard.workflows.model.ScheduleTrigger;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
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
 * The stage of a workflow with {@code on.schedule}: reads what the workflows did (tasks, delivery
 * receipts, audit records of model calls, reviews), brings it to one partition and sums it in a store;
 * a wall-clock punctuation emits the sums as one {@code switchboard.digest} event when the schedule
 * falls due and starts the next period. The period's bounds are kept in the store too, so a restart
 * neither loses the sums nor shifts the cadence, and with {@code exactly_once_v2} the digest and the
 * reset of the sums are committed together.
 */
public final class DigestTopology {

    public static final String STORE = "digest.totals";
    /** The open invoices, by id, for the business half's open and overdue sums. */
    public static final String OPEN_STORE = "digest.open";
    /** How often the punctuation checks whether a digest is due: the most a digest can be late. */
    public static final Duration TICK = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = ExactJson.mapper();

    private DigestTopology() {
    }

    /**
     * One thing a workflow did, or one business event, reduced to what the digest counts.
     *
     * @param type    a business event's type, or the type of the event a task came from
     * @param id      an open invoice's invoice_key
     * @param extra   a reminder's stage, or an open invoice's kind
     * @param minutes the minutes a task saves ({@code fields.minutes_saved})
     */
    public record Fact(String kind, String workflow, String label, String sink, String outcome, String model,
                       double costUsd, long tokensIn, long tokensOut, String type, String id, String currency, BigDecimal amount,
                       String date, String extra, Double minutes) {

        Fact(String kind, String workflow, String label, String sink, String outcome, String model, double costUsd, long tokensIn,
             long tokensOut) {
            this(kind, workflow, label, sink, outcome, model, costUsd, tokensIn, tokensOut, null, null, null, null, null, null, null);
        }
    }

    /**
     * The topics the digest reads.
     *
     * @param business     topics of business events, or empty
     * @param openInvoices the open-invoices table, read when {@code business} is not empty
     */
    public record Sources(String tasks, String deliveries, String audit, String reviews, List<String> business, String openInvoices) {

        public Sources(String tasks, String deliveries, String audit, String reviews) {
            this(tasks, deliveries, audit, reviews, List.of(), null);
        }

        public Sources {
            business = business == null ? List.of() : List.copyOf(business);
        }
    }

    public static Topology build(String workflow, ScheduleTrigger schedule, Sources sources, String output, StreamsObserver observer) {
        return build(workflow, schedule, sources, output, observer, CloudEventsKafka.Mode.STRUCTURED);
    }

    /** The same, writing its digest events in {@code mode}. */
    public static Topology build(String workflow, ScheduleTrigger schedule, Sources sources, String output, StreamsObserver observer,
                                 CloudEventsKafka.Mode mode) {
        Set<String> counted = schedule.workflows() == null || schedule.workflows().isEmpty() ? null : Set.copyOf(schedule.workflows());
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Fact> tasks = read(builder, sources.tasks(), "task", counted);
        KStream<String, Fact> deliveries = read(builder, sources.deliveries(), "delivery", counted);
        KStream<String, Fact> audit = read(builder, sources.audit(), "model_call", counted);
        KStream<String, Fact> reviews = read(builder, sources.reviews(), "review", counted);
        KStream<String, Fact> all = tasks.merge(deliveries, Named.as("digest.merge-deliveries"))
                .merge(audit, Named.as("digest.merge-audit"))
                .merge(reviews, Named.as("digest.merge-reviews"));
        boolean business = !sources.business().isEmpty();
        for (int i = 0; business && i < sources.business().size(); i++) {
            String area = "digest.business-" + (i + 1);
            all = all.merge(builder.stream(sources.business().get(i), Consumed.with(Serdes.ByteArray(), CloudEventsSerde.read())
                            .withName(area + ".read"))
                    .flatMap((key, bytes) -> one(BusinessTotals.fromEvent(bytes)), Named.as(area + ".extract")), Named.as(area + ".merge"));
        }
        if (business) {
            all = all.merge(builder.stream(sources.openInvoices(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                            .withName("digest.open.read"))
                    .flatMap((key, bytes) -> one(BusinessTotals.fromOpen(key, bytes)), Named.as("digest.open.extract")),
                    Named.as("digest.open.merge"));
        }
        all.repartition(Repartitioned.<String, Fact>as("digest.collect")
                        .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(Fact.class)).withNumberOfPartitions(1))
                .process(new Totals(workflow, DigestSchedule.of(schedule), business, observer),
                        Named.as("digest.sum"))
                .to(output, Produced.with(Serdes.String(), CloudEventsSerde.written(mode)).withName("digest.write"));
        return builder.build();
    }

    private static KStream<String, Fact> read(StreamsBuilder builder, String topic, String kind, Set<String> counted) {
        String area = "digest." + kind.replace('_', '-');
        return builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(area + ".read"))
                .flatMap((key, bytes) -> {
                    List<org.apache.kafka.streams.KeyValue<String, Fact>> out = new ArrayList<>(1);
                    Fact fact = fact(kind, EventKey.parse(bytes));
                    if (fact != null && (counted == null || counted.contains(fact.workflow()))) {
                        out.add(org.apache.kafka.streams.KeyValue.pair("digest", fact));
                    }
                    return out;
                }, Named.as(area + ".extract"));
    }

    private static List<org.apache.kafka.streams.KeyValue<String, Fact>> one(Fact fact) {
        return fact == null ? List.of() : List.of(org.apache.kafka.streams.KeyValue.pair("digest", fact));
    }

    static Fact fact(String kind, JsonNode record) {
        if (record == null) {
            return null;
        }
        String workflow = record.path("workflow").asText(null);
        return switch (kind) {
            case "task" -> new Fact(kind, workflow, record.path("fields").path("label").asText(null), record.path("sink").asText(null),
                    null, null, 0, 0, 0, record.path("eventType").asText(null), null, null, null, null, null,
                    JsonNumbers.number(record.path("fields").get("minutes_saved"), JsonNode::doubleValue, Double::valueOf));
            case "delivery" -> new Fact(kind, workflow, record.path("label").asText(null), record.path("sink").asText(null),
                    record.path("outcome").asText(null), null, 0, 0, 0);
            case "model_call" -> new Fact(kind, workflow, null, null, record.path("outcome").asText(null),
                    record.path("provider").asText("") + "/" + record.path("model").asText(""),
                    record.path("cost_usd").asDouble(0), record.path("tokens_in").asLong(0), record.path("tokens_out").asLong(0));
            // the review topic holds held events (pending) and the decisions on them; a decision is counted by its outcome,
            // with the step it was held at in the model field's place
            default -> new Fact(kind, workflow, null, null, reviewOutcome(record), record.path("step").asText(null), 0, 0, 0);
        };
    }

    /** {@code pending} for a held event, else what a person decided: approved_unchanged, corrected or rejected (as the metric says). */
    private static String reviewOutcome(JsonNode record) {
        return switch (record.path("status").asText("pending")) {
            case "approved" -> record.path("value").isObject() && !record.path("value").isEmpty() ? "corrected" : "approved_unchanged";
            case "rejected" -> "rejected";
            default -> "pending";
        };
    }

    private record Totals(String workflow, DigestSchedule schedule, boolean business, StreamsObserver observer)
            implements ProcessorSupplier<String, Fact, String, byte[]> {

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(), Serdes.String()));
        }

        @Override
        public Processor<String, Fact, String, byte[]> get() {
            return new TotalsProcessor();
        }

        private final class TotalsProcessor implements Processor<String, Fact, String, byte[]> {
            private ProcessorContext<String, byte[]> context;
            private KeyValueStore<String, String> store;
            private KeyValueStore<String, String> open;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
                this.store = context.getStateStore(STORE);
                this.open = context.getStateStore(OPEN_STORE);
                if (store.get("period.next") == null) {
                    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
                    store.put("period.start", now.toString());
                    store.put("period.next", schedule.next(now, now).toString());
                }
                context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
            }

            @Override
            public void process(Record<String, Fact> record) {
                Fact fact = record.value();
                if (BusinessTotals.OPEN.equals(fact.kind())) {
                    // a table, not a sum: it is not reset with the period
                    if (fact.amount() == null || fact.amount().signum() == 0) {
                        open.delete(fact.id());
                    } else {
                        open.put(fact.id(), BusinessTotals.state(fact));
                    }
                    return;
                }
                ObjectNode totals = totals();
                add(totals, fact);
                store.put("totals", totals.toString());
            }

            private void punctuate(long nowMillis) {
                Instant now = Instant.ofEpochMilli(nowMillis);
                Instant due = Instant.parse(store.get("period.next"));
                if (now.isBefore(due)) {
                    return;
                }
                Instant start = Instant.parse(store.get("period.start"));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("workflow", workflow);
                data.put("period", Map.of("start", start.toString(), "end", due.toString()));
                ObjectNode totals = totals();
                if (business) {
                    ObjectNode businessNode = BusinessTotals.child(totals, BusinessTotals.BUSINESS);
                    try (KeyValueIterator<String, String> states = open.all()) {
                        Iterator<String> values = new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return states.hasNext();
                            }

                            @Override
                            public String next() {
                                return states.next().value;
                            }
                        };
                        businessNode.set("open", BusinessTotals.open(values, LocalDate.ofInstant(due, schedule.zone())));
                    }
                    BusinessTotals.addText(businessNode);
                }
                data.putAll(JsonValues.toMap(totals));
                byte[] event = DerivedEvents.event(DerivedEvents.id("dig_", workflow, due.toString()), "/switchboard/digest/" + workflow,
                        ScheduleTrigger.DIGEST_TYPE, workflow, due, data);
                context.forward(new Record<>(workflow, event, nowMillis));
                observer.count("digest:" + workflow, "emitted");
                store.delete("totals");
                store.put("period.start", due.toString());
                store.put("period.next", schedule.next(due, now).toString());
            }

            private ObjectNode totals() {
                String text = store.get("totals");
                if (text == null) {
                    return empty(business);
                }
                try {
                    return (ObjectNode) JSON.readTree(text);
                } catch (IOException e) {
                    return empty(business);
                }
            }
        }
    }

    private static ObjectNode empty(boolean business) {
        ObjectNode totals = JSON.createObjectNode();
        if (business) {
            totals.set(BusinessTotals.BUSINESS, BusinessTotals.empty());
        }
        totals.putObject("tasks").put("total", 0).put("minutes_saved", 0.0).<ObjectNode>set("by_workflow", JSON.createObjectNode())
                .set("by_label", JSON.createObjectNode());
        totals.putObject("deliveries").put("delivered", 0).put("dead_lettered", 0).set("by_sink", JSON.createObjectNode());
        totals.putObject("model").put("calls", 0).put("cost_usd", 0.0).put("tokens_in", 0).put("tokens_out", 0).set("by_model", JSON.createObjectNode());
        totals.putObject("reviews").put("total", 0).<ObjectNode>set("by_workflow", JSON.createObjectNode())
                .<ObjectNode>set("outcomes", JSON.createObjectNode().put("approved_unchanged", 0).put("corrected", 0).put("rejected", 0))
                .set("outcomes_by_step", JSON.createObjectNode());
        return totals;
    }

    static void add(ObjectNode totals, Fact fact) {
        String workflow = fact.workflow() == null ? "unknown" : fact.workflow();
        switch (fact.kind()) {
            case "task" -> {
                ObjectNode tasks = (ObjectNode) totals.get("tasks");
                increment(tasks, "total", 1);
                increment((ObjectNode) tasks.get("by_workflow"), workflow, 1);
                if (fact.label() != null) {
                    increment((ObjectNode) tasks.get("by_label"), fact.label(), 1);
                }
                if (fact.minutes() != null) {
                    tasks.put("minutes_saved", tasks.path("minutes_saved").asDouble() + fact.minutes());
                }
                if (fact.label() != null && fact.type() != null && fact.type().startsWith("ticket.") && totals.has(BusinessTotals.BUSINESS)) {
                    BusinessTotals.label((ObjectNode) totals.get(BusinessTotals.BUSINESS), fact.label());
                }
            }
            case "delivery" -> {
                ObjectNode deliveries = (ObjectNode) totals.get("deliveries");
                String outcome = "delivered".equals(fact.outcome()) ? "delivered" : "dead_lettered";
                increment(deliveries, outcome, 1);
                ObjectNode bySink = (ObjectNode) deliveries.get("by_sink");
                if (!bySink.has(String.valueOf(fact.sink()))) {
                    bySink.putObject(String.valueOf(fact.sink())).put("delivered", 0).put("dead_lettered", 0);
                }
                increment((ObjectNode) bySink.get(String.valueOf(fact.sink())), outcome, 1);
            }
            case "model_call" -> {
                ObjectNode model = (ObjectNode) totals.get("model");
                increment(model, "calls", 1);
                model.put("cost_usd", model.path("cost_usd").asDouble() + fact.costUsd());
                increment(model, "tokens_in", fact.tokensIn());
                increment(model, "tokens_out", fact.tokensOut());
                ObjectNode byModel = (ObjectNode) model.get("by_model");
                if (!byModel.has(fact.model())) {
                    byModel.putObject(fact.model()).put("calls", 0).put("cost_usd", 0.0);
                }
                ObjectNode one = (ObjectNode) byModel.get(fact.model());
                increment(one, "calls", 1);
                one.put("cost_usd", one.path("cost_usd").asDouble() + fact.costUsd());
            }
            case BusinessTotals.BUSINESS -> {
                if (totals.has(BusinessTotals.BUSINESS)) {
                    BusinessTotals.add((ObjectNode) totals.get(BusinessTotals.BUSINESS), fact);
                }
            }
            default -> {
                ObjectNode reviews = (ObjectNode) totals.get("reviews");
                if ("pending".equals(fact.outcome())) {
                    increment(reviews, "total", 1);
                    increment((ObjectNode) reviews.get("by_workflow"), workflow, 1);
                } else {
                    // a digest restored from a store written before outcomes were counted has no such fields yet
                    ObjectNode outcomes = reviews.has("outcomes") ? (ObjectNode) reviews.get("outcomes") : reviews.putObject("outcomes");
                    increment(outcomes, fact.outcome(), 1);
                    ObjectNode byStep = reviews.has("outcomes_by_step") ? (ObjectNode) reviews.get("outcomes_by_step")
                            : reviews.putObject("outcomes_by_step");
                    String step = workflow + "." + (fact.model() == null ? "unknown" : fact.model());
                    increment(byStep.has(step) ? (ObjectNode) byStep.get(step) : byStep.putObject(step), fact.outcome(), 1);
                }
            }
        }
    }

    private static void increment(ObjectNode node, String field, long amount) {
        node.put(field, node.path(field).asLong(0) + amount);
    }
}
