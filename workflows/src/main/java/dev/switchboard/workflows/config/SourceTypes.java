package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SourceFactory;
import dev.switchboard.workflows.model.StepTypes;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every source type installed, found with {@link ServiceLoader}, by its YAML name. */
public final class SourceTypes {

    private final Map<String, SourceFactory<Record>> byName;

    private SourceTypes(Map<String, SourceFactory<Record>> byName) {
        this.byName = Map.copyOf(byName);
    }

    @SuppressWarnings("unchecked")
    public static SourceTypes installed() {
        Map<String, SourceFactory<Record>> byName = new TreeMap<>();
        for (SourceFactory<?> factory : ServiceLoader.load(SourceFactory.class)) {
            byName.put(StepTypes.nameOf(factory.optionsType()), (SourceFactory<Record>) factory);
        }
        return new SourceTypes(byName);
    }

    public Map<String, SourceFactory<Record>> all() {
        return new TreeMap<>(byName);
    }

    public SourceFactory<Record> get(String name) {
        return byName.get(name);
    }
}
