package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.streams.CrmTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CRM tables read from files, so an evaluation runs a workflow's {@code crm.lookup} steps without Kafka: each line is a
 * CRM change event ({@code crm.<entity>.<change>}, as the CDC sources write them) or, for a file named
 * {@code <entity>=FILE}, that entity's record. Records are found by id and by the same indexes as the engine's tables
 * (contacts and owners by email, companies by domain), keys normalised the same way.
 */
public final class CrmFile implements CrmLookup {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<String, Object>> records = new HashMap<>();
    private final Map<String, String> indexed = new HashMap<>();

    /** @param specs {@code FILE} of change events, or {@code <entity>=FILE} of one entity's records */
    public static CrmFile read(List<String> specs, Path baseDir) throws IOException {
        CrmFile tables = new CrmFile();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String entity = eq > 0 ? spec.substring(0, eq) : null;
            if (entity != null && !ENTITIES.contains(entity)) {
                throw new IllegalArgumentException("CRM file at --crm: got entity '" + entity + "', expected one of " + ENTITIES
                        + ". Write <entity>=FILE, or FILE for change events");
            }
            Path file = baseDir.resolve(eq > 0 ? spec.substring(eq + 1) : spec);
            int line = 0;
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line++;
                if (!text.isBlank()) {
                    tables.add(entity, text, file, line);
                }
            }
        }
        return tables;
    }

    private void add(String entity, String text, Path file, int line) throws IOException {
        String kind = entity;
        String id;
        String record;
        if (entity == null) {
            CrmTopology.Change change = CrmTopology.parse(text.getBytes(StandardCharsets.UTF_8));
            if (change == null || change.after() == null) {
                throw new IllegalArgumentException("CRM file at " + file + ":" + line + ": got '" + abbreviate(text) + "', expected a crm.<entity>.<change> "
                        + "event with a record. Name a file of plain records as <entity>=FILE");
            }
            kind = change.entity();
            id = change.id();
            record = change.after();
        } else {
            Map<String, Object> row = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
            Object key = row.get("id") != null ? row.get("id") : row.get("crm_" + entity + "_id");
            String index = CrmTopology.INDEXES.get(entity);
            id = key != null ? key.toString() : index != null && row.get(index) != null ? row.get(index).toString() : String.valueOf(line);
            record = text;
        }
        Map<String, Object> fields = JSON.readValue(record, new TypeReference<LinkedHashMap<String, Object>>() { });
        records.put(kind + "/" + id, fields);
        String by = CrmTopology.INDEXES.get(kind);
        if (by != null && fields.get(by) instanceof String value && !value.isBlank()) {
            indexed.putIfAbsent(kind + "/" + by + "/" + CrmTopology.normalize(by, value), id);
        }
    }

    @Override
    public Optional<Map<String, Object>> find(String entity, String by, String key) {
        String normalized = CrmTopology.normalize(by, key);
        String id = by.equals("id") ? normalized : indexed.get(entity + "/" + by + "/" + normalized);
        return id == null ? Optional.empty() : Optional.ofNullable(records.get(entity + "/" + id));
    }

    /** Records held. */
    public int size() {
        return records.size();
    }

    /** The environment with these tables as its CRM lookup. */
    public StepEnvironment serving(StepEnvironment environment) {
        CrmLookup self = this;
        return new StepEnvironment() {
            @Override
            public Path baseDir() {
                return environment.baseDir();
            }

            @Override
            public Set<String> sinkNames() {
                return environment.sinkNames();
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return type == CrmLookup.class ? Optional.of(type.cast(self)) : environment.service(type);
            }
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
