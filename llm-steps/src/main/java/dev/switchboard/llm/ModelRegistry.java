package dev.switchboard.llm;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.chat.CallExecutor;
import dev.switchboard.llm.chat.ChatEndpoint;
import dev.switchboard.llm.chat.GuardedChatEndpoint;
import dev.switchboard.llm.embedded.EmbeddedClassifier;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.guard.InjectionScreen;
import dev.switchboard.llm.spi.ChatProvider;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.EmbeddingProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The models and aliases of the engine configuration, by name, shared by every workflow: one
 * guarded endpoint per model (so its limits hold across workflows), the in-process embedding model,
 * the call executor, the response cache and the budgets. {@code embedded} always exists:
 * all-MiniLM-L6-v2 in-process. An alias names a chain of models tried in order. What a model is
 * made of is up to the provider its definition names ({@link ModelProviders}).
 */
public final class ModelRegistry implements AutoCloseable {

    public static final String EMBEDDED = "embedded";

    private final Map<String, ModelDefinition> definitions;
    private final Map<String, List<String>> aliases;
    private final Map<String, Classifier> classifiers = new ConcurrentHashMap<>();
    private final Map<String, GuardedChatEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Budgets budgets;
    private final ResponseCache cache;
    private final java.util.function.Function<String, java.util.Optional<String>> secrets;
    private final ModelProviders providers = ModelProviders.load();
    private final Lazy<ExecutorService> calls = new Lazy<>(() -> CallExecutor.create("model-call"));
    private final Lazy<InjectionScreen> injectionScreen = new Lazy<>(() -> new InjectionScreen(() -> embeddingProvider(EMBEDDED).screeningModel()));
    private final Map<String, TrainedHead> heads = new ConcurrentHashMap<>();

    public ModelRegistry(Map<String, ModelDefinition> definitions) {
        this(definitions, Map.of());
    }

    public ModelRegistry(Map<String, ModelDefinition> definitions, Map<String, List<String>> aliases) {
        this(definitions, aliases, new Budgets(), new ResponseCache());
    }

    public ModelRegistry(Map<String, ModelDefinition> definitions, Map<String, List<String>> aliases, Budgets budgets, ResponseCache cache) {
        this(definitions, aliases, budgets, cache, variable -> java.util.Optional.ofNullable(System.getenv(variable)));
    }

    /** @param secrets looks up API keys by the name in {@code api_key_env} (the engine's secrets; tests pass their own) */
    public ModelRegistry(Map<String, ModelDefinition> definitions, Map<String, List<String>> aliases, Budgets budgets, ResponseCache cache,
                         java.util.function.Function<String, java.util.Optional<String>> secrets) {
        this.secrets = secrets;
        Map<String, ModelDefinition> all = new LinkedHashMap<>();
        all.put(EMBEDDED, ModelDefinition.embedded());
        if (definitions != null) {
            all.putAll(definitions);
        }
        all.forEach((name, definition) -> {
            if (!providers.names().contains(definition.provider())) {
                throw new IllegalArgumentException("Model '" + name + "' names unknown provider '" + definition.provider()
                        + "'; installed: " + providers.names());
            }
        });
        // in the configuration's order, so that messages list them as the file does
        this.definitions = java.util.Collections.unmodifiableMap(all);
        Map<String, List<String>> chains = new LinkedHashMap<>();
        if (aliases != null) {
            aliases.forEach((alias, models) -> {
                if (this.definitions.containsKey(alias)) {
                    throw new IllegalArgumentException("Alias '" + alias + "' has the name of a model; rename one of them");
                }
                for (String model : models) {
                    if (!this.definitions.containsKey(model)) {
                        throw new IllegalArgumentException("Alias '" + alias + "' names unknown model '" + model + "'; configured: "
                                + this.definitions.keySet());
                    }
                }
                chains.put(alias, List.copyOf(models));
            });
        }
        this.aliases = java.util.Collections.unmodifiableMap(chains);
        this.budgets = budgets;
        this.cache = cache;
    }

    /** Model and alias names. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(definitions.keySet());
        names.addAll(aliases.keySet());
        return names;
    }

    public Set<String> modelNames() {
        return definitions.keySet();
    }

    /** Whether a step may name it: a model or an alias. */
    public boolean contains(String name) {
        return definitions.containsKey(name) || aliases.containsKey(name);
    }

    public boolean isAlias(String name) {
        return aliases.containsKey(name);
    }

    /** The models to try, in order: the alias's chain, or the one model. */
    public List<String> chain(String name) {
        List<String> chain = aliases.get(name);
        if (chain != null) {
            return chain;
        }
        definition(name);
        return List.of(name);
    }

    public ModelDefinition definition(String name) {
        ModelDefinition definition = definitions.get(name);
        if (definition == null) {
            throw new IllegalArgumentException("Unknown model '" + name + "'; configured: " + names());
        }
        return definition;
    }

    /**
     * The most one call of the first remote model of {@code name}'s chain may cost for a text of this length:
     * an input estimate plus its max_tokens; 0 when the chain has only in-process models.
     */
    public double maxCallCost(String name, int textLength) {
        for (String model : chain(name)) {
            if (chats(model)) {
                ModelDefinition definition = definition(model);
                return definition.cost(textLength / 3 + 256, definition.maxTokens());
            }
        }
        return 0;
    }

    /** Whether the model answers chat calls; the others run in-process and only embed and classify. */
    public boolean chats(String name) {
        return providers.chat(definition(name).provider()).isPresent();
    }

    /** The guarded endpoint of a chat model, shared by every workflow. */
    public GuardedChatEndpoint endpoint(String name) {
        return endpoints.computeIfAbsent(name, key -> {
            ModelDefinition definition = definition(key);
            ChatProvider provider = providers.chat(definition.provider()).orElseThrow(() -> new IllegalArgumentException(
                    "Model '" + key + "' is embedded; it has no chat endpoint"));
            return new GuardedChatEndpoint(provider.endpoint(key, definition, secrets));
        });
    }

    /** For tests: puts an endpoint of one's own (say, with a short backoff) under a model name. */
    public void endpoint(String name, ChatEndpoint endpoint) {
        GuardedChatEndpoint previous = endpoints.put(name, endpoint instanceof GuardedChatEndpoint guarded ? guarded
                : new GuardedChatEndpoint(endpoint));
        if (previous != null) {
            previous.close();
        }
    }

    /** The in-process classifier of an embedding model: zero- and few-shot, or its trained head. */
    public Classifier classifier(String name) {
        return classifiers.computeIfAbsent(name, this::createClassifier);
    }

    /** The in-process classifier over the shared embedding model. */
    public EmbeddedClassifier embedded() {
        return (EmbeddedClassifier) classifier(EMBEDDED);
    }

    /** The embedding model of {@code embedded}, loaded once and shared (retrieval, the evaluation's text metrics). */
    public EmbeddingModel embeddingModel() {
        return embeddingProvider(EMBEDDED).embeddingModel();
    }

    private EmbeddingProvider embeddingProvider(String name) {
        return providers.embedding(definition(name).provider()).orElseThrow(() -> new IllegalArgumentException(
                "Model '" + name + "' is a chat model; it classifies through the classify step's prompt, not in-process"));
    }

    /**
     * The trained head of an embedded model with {@code head:}, read once; empty for other models.
     *
     * @throws IllegalArgumentException when the file cannot be read, saying how to fix it
     */
    public Optional<TrainedHead> head(String name) {
        ModelDefinition definition = definitions.get(name);
        if (definition == null || chats(name) || definition.head() == null) {
            return Optional.empty();
        }
        return Optional.of(heads.computeIfAbsent(name, key -> {
            try {
                return TrainedHead.read(Path.of(definition.head()));
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read the head of model '" + key + "' at " + definition.head() + ": "
                        + e.getMessage(), e);
            }
        }));
    }

    public InjectionScreen injectionScreen() {
        return injectionScreen.get();
    }

    /** Where model calls run: virtual threads on Java 21+, a bounded pool before. */
    public ExecutorService executor() {
        return calls.get();
    }

    public Budgets budgets() {
        return budgets;
    }

    public ResponseCache cache() {
        return cache;
    }

    private Classifier createClassifier(String name) {
        return embeddingProvider(name).classifier(name, definition(name), head(name));
    }

    @Override
    public void close() {
        classifiers.values().forEach(Classifier::close);
        classifiers.clear();
        List<GuardedChatEndpoint> open = new ArrayList<>(endpoints.values());
        endpoints.clear();
        open.forEach(GuardedChatEndpoint::close);
        calls.ifMade().ifPresent(ExecutorService::shutdown);
        providers.close();
    }
}
