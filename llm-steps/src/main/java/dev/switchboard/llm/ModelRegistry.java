package dev.switchboard.llm;

import dev.switchboard.llm.embedded.EmbeddedClassifier;
import dev.switchboard.llm.openai.OpenAiClassifier;
import dev.switchboard.llm.spi.Classifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of the engine configuration, by name, created on first use and shared by every
 * workflow. {@code embedded} always exists: all-MiniLM-L6-v2 in-process.
 */
public final class ModelRegistry implements AutoCloseable {

    public static final String EMBEDDED = "embedded";

    private final Map<String, ModelDefinition> definitions;
    private final Map<String, Classifier> classifiers = new ConcurrentHashMap<>();

    public ModelRegistry(Map<String, ModelDefinition> definitions) {
        Map<String, ModelDefinition> all = new LinkedHashMap<>();
        all.put(EMBEDDED, ModelDefinition.embedded());
        if (definitions != null) {
            all.putAll(definitions);
        }
        this.definitions = Map.copyOf(all);
    }

    public Set<String> names() {
        return definitions.keySet();
    }

    public boolean contains(String name) {
        return definitions.containsKey(name);
    }

    public ModelDefinition definition(String name) {
        ModelDefinition definition = definitions.get(name);
        if (definition == null) {
            throw new IllegalArgumentException("Unknown model '" + name + "'; configured: " + definitions.keySet());
        }
        return definition;
    }

    public Classifier classifier(String name) {
        return classifiers.computeIfAbsent(name, this::createClassifier);
    }

    private Classifier createClassifier(String name) {
        ModelDefinition definition = definition(name);
        return switch (definition.providerOrDefault()) {
            case "embedded" -> new EmbeddedClassifier(name);
            case "openai" -> new OpenAiClassifier(name, definition);
            default -> throw new IllegalArgumentException("Unknown provider '" + definition.provider()
                    + "' for model '" + name + "'; expected embedded or openai");
        };
    }

    @Override
    public void close() {
        classifiers.values().forEach(Classifier::close);
        classifiers.clear();
    }
}
