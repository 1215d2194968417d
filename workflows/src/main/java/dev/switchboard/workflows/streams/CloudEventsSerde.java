package dev.switchboard.workflows.streams;

import dev.switchboard.schemas.events.CloudEventsKafka;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * CloudEvents in the Streams stages: read in either content mode as structured JSON (Streams passes the record's headers to
 * the deserializer), written in the configured mode (the serializer sets the {@code ce_} headers of a binary-mode record).
 */
public final class CloudEventsSerde {

    private CloudEventsSerde() {
    }

    /** Reads either mode as structured bytes; the stages write through {@link #written}. */
    public static Serde<byte[]> read() {
        return Serdes.serdeFrom(new ByteArraySerializer(), new Structured());
    }

    /** Writes structured events in {@code mode}. */
    public static Serde<byte[]> written(CloudEventsKafka.Mode mode) {
        return Serdes.serdeFrom(new InMode(mode), new Structured());
    }

    /** The record's headers as UTF-8 text by name (the last of a repeated name). */
    public static Map<String, String> text(Headers headers) {
        Map<String, String> text = new LinkedHashMap<>();
        if (headers != null) {
            for (Header header : headers) {
                if (header.value() != null) {
                    text.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return text;
    }

    private static final class Structured implements Deserializer<byte[]> {
        private final ByteArrayDeserializer bytes = new ByteArrayDeserializer();

        @Override
        public byte[] deserialize(String topic, byte[] data) {
            return bytes.deserialize(topic, data);
        }

        @Override
        public byte[] deserialize(String topic, Headers headers, byte[] data) {
            return CloudEventsKafka.toStructured(data, text(headers));
        }
    }

    private static final class InMode implements Serializer<byte[]> {
        private final CloudEventsKafka.Mode mode;

        InMode(CloudEventsKafka.Mode mode) {
            this.mode = mode;
        }

        @Override
        public byte[] serialize(String topic, byte[] data) {
            return data;
        }

        @Override
        public byte[] serialize(String topic, Headers headers, byte[] data) {
            if (mode != CloudEventsKafka.Mode.BINARY || data == null || headers == null) {
                return data;
            }
            CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(data);
            binary.headers().forEach((name, value) -> headers.remove(name).add(name, value.getBytes(StandardCharsets.UTF_8)));
            return binary.value();
        }
    }
}
