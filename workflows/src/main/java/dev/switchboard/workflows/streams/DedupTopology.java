package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.schemas.events.CloudEventsKafka;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The dedup stage: raw events in, each event once out. An event whose key (its id, or a CEL
 * expression over it) was seen within the window, by event time, is dropped. The keys seen live in a
 * window store whose changelog restores it after a restart, and with {@code exactly_once_v2} an
 * event's output, its key in the store and the input offset are committed together.
 *
 * <p>Records keep their Kafka key, headers and bytes, and stay in their partition, so one entity's
 * events stay in order. A copy is therefore recognised when it carries the same Kafka key as the
 * original (events are keyed by entity id; a resend keeps its key). Bytes that are not a JSON object,
 * and events without the key, pass through untouched: the workflow dead-letters them with its reason.
 */
public final class DedupTopology {

    public static final String READ = "dedup.read";
    public static final String FILTER = "dedup.filter";
    public static final String WRITE = "dedup.write";

    private DedupTopology() {
    }

    public static Topology build(String input, String output, Duration window, String keyExpression, StreamsObserver observer) {
        Topology topology = new Topology();
        topology.addSource(READ, new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor(FILTER, new Filter(EventKey.of(keyExpression), window, observer), READ);
        topology.addSink(WRITE, output, new ByteArraySerializer(), new ByteArraySerializer(), FILTER);
        return topology;
    }

    private record Filter(EventKey key, Duration window, StreamsObserver observer)
            implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(StreamsNames.DEDUP_STORE, window, window, false), Serdes.String(), Serdes.Long()));
        }

        @Override
        public Processor<byte[], byte[], byte[], byte[]> get() {
            return new FilterProcessor();
        }

        private final class FilterProcessor implements Processor<byte[], byte[], byte[], byte[]> {
            private ProcessorContext<byte[], byte[]> context;
            private WindowStore<String, Long> seen;

            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                this.context = context;
                this.seen = context.getStateStore(StreamsNames.DEDUP_STORE);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                JsonNode event = EventKey.parse(CloudEventsKafka.toStructured(record.value(), CloudEventsSerde.text(record.headers())));
                if (event == null) {
                    observer.count("dedup", "unparsed");
                    context.forward(record);
                    return;
                }
                String id = key.of(event);
                if (id == null) {
                    observer.count("dedup", "unkeyed");
                    context.forward(record);
                    return;
                }
                long time = record.timestamp();
                long windowMillis = window.toMillis();
                try (WindowStoreIterator<Long> earlier = seen.fetch(id, Math.max(0, time - windowMillis), time + windowMillis)) {
                    if (earlier.hasNext()) {
                        observer.count("dedup", "dropped");
                        return;
                    }
                }
                seen.put(id, time, time);
                observer.count("dedup", "passed");
                context.forward(record);
            }
        }
    }
}
