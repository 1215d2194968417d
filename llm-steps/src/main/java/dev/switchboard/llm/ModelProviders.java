package dev.switchboard.llm;

import dev.switchboard.llm.spi.ChatProvider;
import dev.switchboard.llm.spi.EmbeddingProvider;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The chat and embedding providers on the class path, by the name {@code provider:} gives them, found with
 * {@link ServiceLoader} as step types are. Each instance has providers of its own, so that what an embedding
 * provider loads belongs to one registry and is released with it.
 */
public final class ModelProviders implements AutoCloseable {

    private final Map<String, ChatProvider> chat = new LinkedHashMap<>();
    private final Map<String, EmbeddingProvider> embedding = new LinkedHashMap<>();

    private ModelProviders() {
        ServiceLoader.load(ChatProvider.class).forEach(provider -> chat.put(provider.name(), provider));
        ServiceLoader.load(EmbeddingProvider.class).forEach(provider -> embedding.put(provider.name(), provider));
    }

    public static ModelProviders load() {
        return new ModelProviders();
    }

    /** Every provider name, sorted. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(chat.keySet());
        names.addAll(embedding.keySet());
        return names;
    }

    /** The chat provider of that name; empty for an embedding provider or an unknown name. */
    public Optional<ChatProvider> chat(String name) {
        return Optional.ofNullable(chat.get(name));
    }

    /** The embedding provider of that name; empty for a chat provider or an unknown name. */
    public Optional<EmbeddingProvider> embedding(String name) {
        return Optional.ofNullable(embedding.get(name));
    }

    /** What a definition lacks for its provider, relative to the definition. */
    public List<OptionProblem> check(ModelDefinition definition) {
        if (!names().contains(definition.provider())) {
            return List.of(OptionProblem.at("provider", "Unknown provider").got(definition.provider()).expected("one of " + names()));
        }
        return chat(definition.provider()).map(provider -> provider.check(definition)).orElse(List.of());
    }

    @Override
    public void close() {
        embedding.values().forEach(EmbeddingProvider::close);
    }
}
