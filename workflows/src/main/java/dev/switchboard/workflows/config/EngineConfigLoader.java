package dev.switchboard.workflows.config;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelProviders;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.Problem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.spi.SourceFactory;
import dev.switchboard.workflows.model.ExternalTopics;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Loads {@code switchboard.yaml}, reporting every problem with line and path, like workflow files. */
public final class EngineConfigLoader {

    static final Set<String> KEYS = Set.of("kafka", "topics", "models", "sinks", "sources", "http", "admin", "tracing", "outbound", "delivery", "workflows",
            "aliases", "files");

    private final SinkTypes sinkTypes;
    private final SourceTypes sourceTypes;
    private final Function<String, Optional<String>> environment;
    private final boolean forChecks;

    public EngineConfigLoader(SinkTypes sinkTypes, SourceTypes sourceTypes, Function<String, Optional<String>> environment) {
        this(sinkTypes, sourceTypes, environment, false);
    }

    private EngineConfigLoader(SinkTypes sinkTypes, SourceTypes sourceTypes, Function<String, Optional<String>> environment, boolean forChecks) {
        this.sinkTypes = sinkTypes;
        this.sourceTypes = sourceTypes;
        this.environment = environment;
        this.forChecks = forChecks;
    }

    /**
     * The same loader for commands that only check and send nothing ({@code validate}, {@code eval}): a secret missing
     * from the environment is a warning, and everything else is still checked.
     */
    public EngineConfigLoader forChecks() {
        return new EngineConfigLoader(sinkTypes, sourceTypes, environment, true);
    }

    public static EngineConfigLoader standard() {
        return standard(name -> Optional.ofNullable(System.getenv(name)));
    }

    /** The installed sink and source types, with secrets looked up by {@code environment}. */
    public static EngineConfigLoader standard(Function<String, Optional<String>> environment) {
        return new EngineConfigLoader(SinkTypes.installed(), SourceTypes.installed(), environment);
    }

    /** A configuration, or the problems that keep it from loading; warnings either way. */
    public record Result(EngineConfig config, List<Problem> problems, List<Problem> warnings) {
        public Result {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public Result(EngineConfig config, List<Problem> problems) {
            this(config, problems, List.of());
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Result load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            return new Result(null, List.of(new Problem(file.toString(), 0, "", "Cannot read configuration: " + e.getMessage())));
        }
    }

    @SuppressWarnings("unchecked")
    public Result parse(String display, String text, Path baseDir) {
        Problems problems = forChecks ? Problems.forChecks(display) : new Problems(display);
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.add(e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1, "", "Invalid YAML: " + e.getProblem());
            return new Result(null, problems.list());
        } catch (YAMLException e) {
            problems.add(0, "", "Invalid YAML: " + e.getMessage());
            return new Result(null, problems.list());
        }
        if (root == null) {
            return new Result(EngineConfig.defaults(baseDir), List.of());
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(root, "", "The configuration must be a mapping of sections: " + String.join(", ", new TreeSet<>(KEYS)));
            return new Result(null, problems.list());
        }
        OptionsBinder binder = new OptionsBinder(problems, (option, value, node, path) -> { });
        Map<String, Node> sections = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = keyText(tuple.getKeyNode());
            if (!KEYS.contains(key)) {
                problems.add(tuple.getKeyNode(), key, "Unknown section '" + key + "'" + DidYouMean.hint(key, KEYS)
                        + (DidYouMean.closest(key, KEYS).isPresent() ? "" : ". Expected one of: " + String.join(", ", new TreeSet<>(KEYS))));
            } else {
                sections.put(key, tuple.getValueNode());
            }
        }
        KafkaSettings kafka = sections.containsKey("kafka") ? binder.bind(KafkaSettings.class, sections.get("kafka"), "kafka") : null;
        if (kafka != null && kafka.streams() != null && kafka.streams().reconcile() != null) {
            kafka.streams().reconcile().problems().forEach(problem -> problems.add(sections.get("kafka"), "kafka.streams.reconcile", problem));
        }
        Topics topics = sections.containsKey("topics") ? binder.bind(Topics.class, sections.get("topics"), "topics") : null;
        Outbound outbound = sections.containsKey("outbound") ? binder.bind(Outbound.class, sections.get("outbound"), "outbound") : null;
        DeliverySettings delivery = sections.containsKey("delivery") ? binder.bind(DeliverySettings.class, sections.get("delivery"), "delivery") : null;
        HttpSettings http = sections.containsKey("http") ? binder.bind(HttpSettings.class, sections.get("http"), "http") : null;
        AdminSettings admin = sections.containsKey("admin") ? binder.bind(AdminSettings.class, sections.get("admin"), "admin") : null;
        TracingSettings tracing = sections.containsKey("tracing") ? binder.bind(TracingSettings.class, sections.get("tracing"), "tracing") : null;
        FileSettings files = sections.containsKey("files") ? binder.bind(FileSettings.class, sections.get("files"), "files") : null;
        if (files != null && files.allowedDirs() != null) {
            for (int i = 0; i < files.allowedDirs().size(); i++) {
                Path folder = baseDir.resolve(files.allowedDirs().get(i)).normalize();
                if (!Files.isDirectory(folder)) {
                    problems.add(Problems.nodeAt(sections.get("files"), "allowed_dirs[" + i + "]"), "files.allowed_dirs[" + i + "]",
                            "No folder at files.allowed_dirs[" + i + "]: got '" + files.allowedDirs().get(i) + "' (" + folder
                                    + "), expected a folder relative to this file. Create it, or remove the entry");
                }
            }
        }
        Map<String, ModelDefinition> models = new LinkedHashMap<>();
        ModelProviders providers = ModelProviders.load(); // asked for names and checks only: it loads no model
        if (sections.get("models") instanceof MappingNode modelNodes) {
            for (NodeTuple tuple : modelNodes.getValue()) {
                String name = keyText(tuple.getKeyNode());
                ModelDefinition definition = binder.bind(ModelDefinition.class, tuple.getValueNode(), "models." + name);
                if (definition != null) {
                    for (OptionProblem problem : providers.check(definition)) {
                        problems.add(tuple.getValueNode(), "models." + name, problem);
                    }
                    if (definition.head() != null) {
                        Path head = baseDir.resolve(definition.head()).normalize();
                        if (providers.embedding(definition.provider()).isEmpty()) {
                            problems.add(tuple.getValueNode(), "models." + name + ".head", "Head on a chat model at models." + name
                                    + ".head: got provider '" + definition.provider() + "', expected embedded. A trained head runs on the embedded model's embeddings; set provider: embedded");
                        } else if (!Files.isRegularFile(head)) {
                            problems.add(tuple.getValueNode(), "models." + name + ".head", "Missing head file at models." + name
                                    + ".head: got '" + definition.head() + "' (" + head + "), expected a file written by `switchboard train`."
                                    + " Train one: switchboard train --dataset train.csv --out " + definition.head());
                        }
                        definition = definition.withHead(head.toString());
                    }
                    models.put(name, definition);
                }
            }
        } else if (sections.containsKey("models")) {
            problems.add(sections.get("models"), "models", "Wrong type at models: expected a mapping of model names to definitions");
        }
        Map<String, List<String>> aliases = aliases(sections.get("aliases"), models, problems);
        Outbound effectiveOutbound = outbound == null ? Outbound.defaults() : outbound;
        SinkEnvironment sinkEnvironment = new EngineSinkEnvironment(baseDir, effectiveOutbound, environment);
        Map<String, EngineConfig.SinkSpec> sinks = new LinkedHashMap<>();
        new TypedEntries<>("sink", ", e.g. jsonl: { path: out/tasks.jsonl }", sinkTypes, SinkFactory::optionsType)
                .read(sections.get("sinks"), binder, problems, entry -> {
                    for (OptionProblem problem : entry.factory().check(entry.options(), sinkEnvironment)) {
                        problems.add(entry.at(), entry.path(), problem);
                    }
                    sinks.put(entry.name(), new EngineConfig.SinkSpec(entry.name(), entry.type(), entry.factory(), entry.options()));
                });
        if (delivery != null) {
            checkDelivery(delivery, sections.get("delivery"), sinks.keySet(), problems);
        }
        Map<String, EngineConfig.SourceSpec> sources = new LinkedHashMap<>();
        SourceEnvironment sourceEnvironment = EngineSourceEnvironment.forChecks(baseDir, effectiveOutbound, environment);
        new TypedEntries<>("source", "", sourceTypes, SourceFactory::optionsType)
                .read(sections.get("sources"), binder, problems, entry -> {
                    for (OptionProblem problem : entry.factory().check(entry.options(), sourceEnvironment)) {
                        problems.add(entry.at(), entry.path(), problem);
                    }
                    TrustedTopics.check(entry.factory(), entry.options(), kafka == null ? KafkaSettings.defaults() : kafka,
                                    topics == null ? Topics.defaults() : topics)
                            .ifPresent(problem -> problems.add(entry.at(), entry.path(), problem));
                    sources.put(entry.name(), new EngineConfig.SourceSpec(entry.name(), entry.type(), entry.factory(), entry.options()));
                });
        List<Path> workflows = new ArrayList<>();
        if (sections.get("workflows") instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                if (item instanceof ScalarNode scalar) {
                    workflows.add(baseDir.resolve(scalar.getValue()).normalize());
                } else {
                    problems.add(item, "workflows", "Wrong type in workflows: expected file or folder paths");
                }
            }
        } else if (sections.containsKey("workflows")) {
            problems.add(sections.get("workflows"), "workflows", "Wrong type at workflows: expected a list of files or folders");
        }
        if (!problems.isEmpty()) {
            return new Result(null, problems.list(), problems.warnings());
        }
        EngineConfig config = new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir, sources, http, admin,
                tracing, aliases, files);
        warnOfExternalCrmTopics(config, sections.get("kafka"), problems);
        return new Result(config, List.of(), problems.warnings());
    }

    /** CRM tables built from a topic that sources from outside write: anyone who can call them could change the tables. */
    private static void warnOfExternalCrmTopics(EngineConfig config, Node kafka, Problems problems) {
        StreamsSettings streams = config.kafka().streams();
        if (streams == null || streams.crm() == null) {
            return;
        }
        ExternalTopics external = config.externalTopics();
        for (String topic : streams.crm().topics()) {
            external.warning(topic, "kafka.streams.crm.topics", "The CRM tables are state that crm.lookup and enrich trust, and every "
                    + "crm.* event on that topic changes them. Build them from a topic that only change-data-capture sources write")
                    .ifPresent(warning -> problems.warn(kafka == null ? null : Problems.nodeAt(kafka, "streams.crm.topics"),
                            "kafka.streams.crm.topics", warning));
        }
    }

    /** Each delivery policy's waits readable, and each sink with a policy of its own declared under {@code sinks:}. */
    private static void checkDelivery(DeliverySettings delivery, Node section, Set<String> sinks, Problems problems) {
        delivery.policy().check().forEach(problem -> problems.add(section, "delivery", problem));
        delivery.sinks().forEach((sink, policy) -> {
            String path = "delivery.sinks." + sink;
            policy.check().forEach(problem -> problems.add(section, path, problem));
            if (!sinks.contains(sink)) {
                problems.add(section, path, "Unknown sink at " + path + ": got '" + sink + "', expected one of " + new TreeSet<>(sinks)
                        + DidYouMean.hintThen(sink, sinks, "Declare it under sinks: or remove its delivery policy"));
            }
        });
    }

    /** The {@code aliases:} section: each alias a non-empty list of model names (embedded included) that are not aliases. */
    private static Map<String, List<String>> aliases(Node section, Map<String, ModelDefinition> models, Problems problems) {
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        if (section == null) {
            return aliases;
        }
        if (!(section instanceof MappingNode mapping)) {
            problems.add(section, "aliases", "Wrong type at aliases: expected a mapping of alias names to lists of models, e.g. fast: [deepseek, embedded]");
            return aliases;
        }
        Set<String> known = new TreeSet<>(models.keySet());
        known.add(ModelRegistry.EMBEDDED);
        for (NodeTuple tuple : mapping.getValue()) {
            String name = keyText(tuple.getKeyNode());
            String path = "aliases." + name;
            if (known.contains(name)) {
                problems.add(tuple.getKeyNode(), path, "Alias with a model's name at " + path + ": got '" + name
                        + "', expected a name no model has. Rename the alias");
                continue;
            }
            if (!(tuple.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                problems.add(tuple.getValueNode(), path, "Wrong type at " + path + ": expected a non-empty list of models, tried in order, e.g. [deepseek, qwen-local, embedded]");
                continue;
            }
            List<String> chain = new ArrayList<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                String model = item instanceof ScalarNode scalar ? scalar.getValue() : null;
                if (model == null || !known.contains(model)) {
                    problems.add(item, path + "[" + i + "]", "Unknown model at " + path + "[" + i + "]: got '" + model + "', expected one of "
                            + known + DidYouMean.hintThen(String.valueOf(model), known, "Declare it under models: (an alias cannot name an alias)"));
                } else {
                    chain.add(model);
                }
            }
            aliases.put(name, List.copyOf(chain));
        }
        return aliases;
    }

    /** A mapping key as text; a non-scalar key (a list or mapping used as key) reads as its YAML form, and fails as unknown. */
    static String keyText(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : "<" + node.getNodeId().name() + " key>";
    }
}
