package dev.switchboard.workflows.runtime;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** One Kafka record as a stage sees it: where it came from, its raw bytes and its headers (read, never obeyed). */
public record InputRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {

    public InputRecord {
        headers = headers == null ? new RecordHeaders() : headers;
    }

    public InputRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        this(topic, partition, offset, key, value, null);
    }

    /** The trace id of the record's W3C {@code traceparent} header, or "" when it has none, for log lines. */
    public String traceId() {
        String traceparent = Tracing.header(headers);
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : "";
    }
}
