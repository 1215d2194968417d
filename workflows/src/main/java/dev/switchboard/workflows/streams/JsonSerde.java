package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A serde for the records the stages keep in stores and pass between their sub-topologies, as JSON. */
final class JsonSerde<T> implements Serde<T> {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Class<T> type;

    JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null
                : json(() -> JSON.writeValueAsBytes(value), "Cannot write " + type.getSimpleName() + " as JSON");
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null
                : json(() -> JSON.readValue(bytes, type), "Cannot read " + type.getSimpleName() + " from JSON");
    }

    /** A conversion to or from JSON that may fail with Jackson's checked exception. */
    private interface JsonConversion<R> {
        R convert() throws IOException;
    }

    /** Kafka's serializers may not throw checked exceptions: a failed conversion becomes Kafka's {@link SerializationException}. */
    private static <R> R json(JsonConversion<R> conversion, String failure) {
        try {
            return conversion.convert();
        } catch (IOException e) {
            throw new SerializationException(failure, e);
        }
    }
}
