package dev.switchboard.workflows.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a batch writes before its offsets are committed, each with the input it came from, so
 * that an output Kafka refuses for good can be replaced by the dead letter of its event.
 */
public final class Outputs {

    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<ProducerRecord<byte[], byte[]>, InputRecord> origins = Collections.synchronizedMap(new IdentityHashMap<>());

    public void add(ProducerRecord<byte[], byte[]> record, InputRecord origin) {
        records.add(record);
        origins.put(record, origin);
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** The input an output was made from, or null when it is not one of these. */
    InputRecord origin(ProducerRecord<byte[], byte[]> output) {
        return origins.get(output);
    }
}
