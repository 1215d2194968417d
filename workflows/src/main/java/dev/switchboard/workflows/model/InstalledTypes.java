package dev.switchboard.workflows.model;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every factory of one extension point (steps, sources, sinks) installed, found with {@link ServiceLoader},
 * by the YAML name its options record documents.
 *
 * @param <F> the factory type, with its options type fixed to {@link Record}
 */
public abstract class InstalledTypes<F> {

    private final Map<String, F> byName;

    @SuppressWarnings("unchecked")
    protected InstalledTypes(Class<? super F> extensionPoint, Function<F, Class<?>> optionsType) {
        Map<String, F> found = new TreeMap<>();
        for (Object factory : ServiceLoader.load(extensionPoint)) {
            found.put(StepTypes.nameOf(optionsType.apply((F) factory)), (F) factory);
        }
        this.byName = Map.copyOf(found);
    }

    /** Sorted by name. */
    public Map<String, F> all() {
        return new TreeMap<>(byName);
    }

    public F get(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }
}
