package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.workflows.model.StepTypes;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every sink type installed, found with {@link ServiceLoader}, by its YAML name. */
public final class SinkTypes {

    private final Map<String, SinkFactory<Record>> byName;

    private SinkTypes(Map<String, SinkFactory<Record>> byName) {
        this.byName = Map.copyOf(byName);
    }

    @SuppressWarnings("unchecked")
    public static SinkTypes installed() {
        Map<String, SinkFactory<Record>> byName = new TreeMap<>();
        for (SinkFactory<?> factory : ServiceLoader.load(SinkFactory.class)) {
            byName.put(StepTypes.nameOf(factory.optionsType()), (SinkFactory<Record>) factory);
        }
        return new SinkTypes(byName);
    }

    public Map<String, SinkFactory<Record>> all() {
        return new TreeMap<>(byName);
    }

    public SinkFactory<Record> get(String name) {
        return byName.get(name);
    }
}
