package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.schemas.spi.CrmLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The CRM tables: from Debezium-shaped change events ({@code crm.contact.updated} with data
 * {@code {before, after, op, table}}) a table per entity keyed by id, and secondary indexes from an
 * email or a domain to the ids that have it. Every store has a changelog; a delete ({@code op: d})
 * is a tombstone in the table and removes the id from its index.
 *
 * <p>Changes are repartitioned by entity id, and index entries by the indexed value, so that
 * {@code KafkaStreams.queryMetadataForKey} names the instance holding any key ({@link CrmTables}).
 */
public final class CrmTopology {

    /** Secondary indexes: entity → field. */
    public static final Map<String, String> INDEXES = Map.of("contact", "email", "owner", "email", "company", "domain");

    private static final ObjectMapper JSON = new ObjectMapper();

    private CrmTopology() {
    }

    /** One change: the entity's record after it, or null when it was deleted. */
    public record Change(String entity, String id, String after) {
    }

    public static Topology build(List<String> topics, StreamsObserver observer) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> raw = builder.stream(topics, Consumed.with(Serdes.ByteArray(), CloudEventsSerde.read()).withName("crm.read"));
        KStream<String, Change> changes = raw.flatMap((key, value) -> {
            List<KeyValue<String, Change>> out = new ArrayList<>();
            Change change = parse(value);
            if (change != null) {
                observer.count("crm", change.entity() + (change.after() == null ? ".deleted" : ".upserted"));
                out.add(KeyValue.pair(change.id(), change));
            }
            return out;
        }, Named.as("crm.parse"));
        for (String entity : CrmLookup.ENTITIES) {
            String plural = StreamsNames.plural(entity);
            KTable<String, String> table = changes
                    .filter((id, change) -> change.entity().equals(entity), Named.as("crm." + plural + ".select"))
                    .mapValues(Change::after, Named.as("crm." + plural + ".record"))
                    .repartition(Repartitioned.<String, String>as("crm." + plural + ".by-id")
                            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                    .toTable(Named.as("crm." + plural + ".to-table"),
                            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(StreamsNames.crmTable(entity))
                                    .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
            String field = INDEXES.get(entity);
            if (field != null) {
                String index = StreamsNames.crmIndex(entity, field);
                table.filter((id, record) -> indexKey(field, record) != null, Named.as(index + ".select"))
                        .groupBy((id, record) -> KeyValue.pair(indexKey(field, record), id),
                                Grouped.<String, String>as(index + ".group").withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                        .aggregate(() -> "[]", (value, id, ids) -> withId(ids, id, true), (value, id, ids) -> withId(ids, id, false),
                                Named.as(index + ".aggregate"),
                                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(index)
                                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
            }
        }
        return builder.build();
    }

    /** A change event's entity, id and record (null when deleted), or null when the bytes are not a change of a known entity. */
    public static Change parse(byte[] bytes) {
        JsonNode event = EventKey.parse(bytes);
        if (event == null) {
            return null;
        }
        String[] type = event.path("type").asText().split("\\.");
        if (type.length < 3 || !type[0].equals("crm") || !CrmLookup.ENTITIES.contains(type[1])) {
            return null;
        }
        JsonNode data = event.path("data");
        boolean debezium = data.has("op") || data.has("after") || data.has("before");
        JsonNode after = debezium ? data.path("after") : data;
        boolean deleted = debezium ? "d".equals(data.path("op").asText()) || !after.isObject() : type[type.length - 1].equals("deleted");
        String id = id(after);
        if (id == null) {
            id = id(data.path("before"));
        }
        if (id == null && event.hasNonNull("subject")) {
            id = event.get("subject").asText();
        }
        if (id == null || id.isBlank()) {
            return null;
        }
        return new Change(type[1], id, deleted || !after.isObject() ? null : after.toString());
    }

    private static String id(JsonNode record) {
        JsonNode id = record == null ? null : record.get("id");
        return id == null || id.isNull() || id.isContainerNode() ? null : id.asText();
    }

    /** The normalised value an index keys a record by: lower case, trimmed, a domain without {@code www.}. */
    static String indexKey(String field, String record) {
        JsonNode node = EventKey.parse(record == null ? null : record.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return null;
        }
        return normalize(field, value.asText());
    }

    /** How a lookup key is normalised before it is looked up; the same as {@link #indexKey}. */
    public static String normalize(String by, String key) {
        String text = key.strip().toLowerCase(Locale.ROOT);
        if (by.equals("domain")) {
            if (text.contains("@")) {
                text = text.substring(text.indexOf('@') + 1);
            }
            if (text.startsWith("www.")) {
                text = text.substring(4);
            }
        }
        return by.equals("id") ? key.strip() : text;
    }

    private static String withId(String ids, String id, boolean add) {
        try {
            TreeSet<String> set = new TreeSet<>();
            JSON.readTree(ids).forEach(node -> set.add(node.asText()));
            if (add) {
                set.add(id);
            } else {
                set.remove(id);
            }
            if (set.isEmpty()) {
                return null;
            }
            ArrayNode array = JSON.createArrayNode();
            set.forEach(array::add);
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt index entry " + ids, e);
        }
    }

    /** The ids an index entry holds. */
    static List<String> ids(String entry) {
        List<String> ids = new ArrayList<>();
        if (entry != null) {
            try {
                JSON.readTree(entry).forEach(id -> ids.add(id.asText()));
            } catch (JsonProcessingException e) {
                return ids;
            }
        }
        return ids;
    }
}
