package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.spi.StepFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every step type installed, found with {@link ServiceLoader}, by its YAML name. */
public final class StepTypes {

    private final Map<String, StepFactory<Record>> byName;

    private StepTypes(Map<String, StepFactory<Record>> byName) {
        this.byName = Map.copyOf(byName);
    }

    @SuppressWarnings("unchecked")
    public static StepTypes installed() {
        Map<String, StepFactory<Record>> byName = new TreeMap<>();
        for (StepFactory<?> factory : ServiceLoader.load(StepFactory.class)) {
            byName.put(nameOf(factory.optionsType()), (StepFactory<Record>) factory);
        }
        return new StepTypes(byName);
    }

    public static String nameOf(Class<?> optionsType) {
        Documentation doc = optionsType.getAnnotation(Documentation.class);
        if (doc == null) {
            throw new IllegalStateException(optionsType.getName() + " has no @Documentation naming its type");
        }
        return doc.name();
    }

    /** Sorted by name. */
    public Map<String, StepFactory<Record>> all() {
        return new TreeMap<>(byName);
    }

    public StepFactory<Record> get(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }
}
