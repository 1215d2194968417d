package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.events.EventParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
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

    /**
     * The headers of the CloudEvents Kafka binding's binary mode ({@code ce_*} attributes and
     * {@code content-type}) as UTF-8 text, for {@link dev.switchboard.schemas.events.EventParser#parse(byte[], Map)}.
     */
    public Map<String, String> cloudEventHeaders() {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Header header : headers) {
            String name = header.key();
            if (header.value() != null && (name.startsWith(EventParser.BINARY_ATTRIBUTE_PREFIX) || name.equals(EventParser.BINARY_CONTENT_TYPE))) {
                attributes.put(name, new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return attributes;
    }

    /** The trace id of the record's W3C {@code traceparent} header, or "" when it has none, for log lines. */
    public String traceId() {
        String traceparent = Tracing.header(headers);
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : "";
    }
}
