package dev.switchboard.workflows.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.Budgets;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.OptionsSchema;
import dev.switchboard.workflows.config.DeliverySettings;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.KafkaSettings;
import dev.switchboard.workflows.config.Outbound;
import dev.switchboard.workflows.config.SinkTypes;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Trigger;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Generates the workflow and engine configuration JSON Schemas (draft 2020-12) and the reference
 * docs from the installed step and sink types, so a step's {@code type} key in the schema is the
 * union of everything installed. Options come from their records through {@link OptionsSchema};
 * the shape around them (top-level keys, step ids, configuration sections) is read from the
 * loaders, and generation fails when a loader accepts a key this class does not describe.
 */
public final class SchemaGenerator {

    /** With {@code -am}, so step and sink types of the other modules come from their sources, not from ~/.m2. */
    public static final String REGENERATE_COMMAND = "./mvnw -pl workflows -am test -Dtest=GeneratedFilesTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.regenerate=true";
    static final String MARKER = "generated — do not edit; regenerate with " + REGENERATE_COMMAND;

    public static final String WORKFLOW_SCHEMA = "schemas/workflow.schema.json";
    public static final String CONFIG_SCHEMA = "schemas/switchboard.schema.json";
    public static final String WORKFLOW_REFERENCE = "docs/reference/workflow-yaml.md";
    public static final String CONFIG_REFERENCE = "docs/reference/configuration.md";

    private static final String ID_BASE = "https://switchboard.dev/";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** Top-level keys of a workflow file; their set must equal the keys {@link WorkflowLoader} accepts. */
    static final Map<String, String> WORKFLOW_KEYS = ordered(
            "name", "Names the workflow. It also names the workflow's Kafka consumer group (`switchboard.wf.<name>`), "
                    + "so a renamed workflow reads its topic again from `on.start`.",
            "description", "What the workflow does, for the people who read it.",
            "on", "Which events start the workflow.",
            "steps", "The steps, run in order for every event. Each has an `id`, an optional `when` and exactly one step type.",
            "budget", "A daily limit on what the workflow spends on model calls (UTC days), and what happens once it is spent: "
                    + "its model steps switch to a cheaper model or alias, or the workflow stops taking events until 00:00 UTC. "
                    + "The spend and state are exported as `switchboard_budget_spent_usd` and `switchboard_budget_state`.");

    /** Keys every step has besides its type; their set must equal the step keys {@link WorkflowLoader} accepts. */
    static final Map<String, String> STEP_KEYS = ordered(
            "id", "Unique id of the step in the workflow. Later steps read its output as `steps.<id>.<field>`; "
                    + "a task's deterministic id includes it.",
            "when", "CEL condition over `event` and the output of earlier `steps`; the step runs only for events where it is true.");

    /** Sections of {@code switchboard.yaml}; their set must equal the sections {@link EngineConfigLoader} accepts. */
    static final Map<String, String> CONFIG_SECTIONS = ordered(
            "kafka", "The Kafka cluster, or the embedded broker when no bootstrap servers are given.",
            "topics", "Names of the topics Switchboard writes.",
            "models", "Models by name; a step's `model` option names one. `embedded` always exists.",
            "aliases", "Model chains by name: a step whose `model` names an alias tries its models in order, falling through on errors, "
                    + "timeouts, rate limits, an open circuit, invalid answers (after one repair) and low confidence; when none answers well "
                    + "enough, the event goes to the review topic.",
            "sinks", "Where tasks are delivered, by name; a task step's `sink` option names one. Each sink has exactly one sink type.",
            "sources", "Where events come from besides Kafka itself (webhooks, mailboxes, CRM change streams), by name. Each source has exactly one source type.",
            "http", "The public HTTP listener: webhook sources and `/events`, with its timeouts, limits and TLS.",
            "admin", "The admin listener: health, metrics and the admin API, apart from the webhooks and on 127.0.0.1 by default.",
            "tracing", "OpenTelemetry: trace context is passed on always; spans are exported over OTLP when an endpoint is set.",
            "outbound", "Where sinks may send.",
            "delivery", "How hard the delivery stage tries before it dead-letters a task.",
            "files", "The folders whose files workflows may name (examples files, lookup tables, knowledge bases, schemas).",
            "workflows", "Workflow files or folders to run, relative to this file.");

    /** The options record of each section that has one; the loader binds the same records. */
    static final Map<String, Class<? extends Record>> SECTION_OPTIONS = Map.of(
            "kafka", KafkaSettings.class,
            "topics", Topics.class,
            "outbound", Outbound.class,
            "delivery", DeliverySettings.class,
            "http", dev.switchboard.workflows.config.HttpSettings.class,
            "admin", dev.switchboard.workflows.config.AdminSettings.class,
            "tracing", dev.switchboard.workflows.config.TracingSettings.class,
            "files", dev.switchboard.workflows.config.FileSettings.class);

    private final StepTypes stepTypes;
    private final SinkTypes sinkTypes;
    private final dev.switchboard.workflows.config.SourceTypes sourceTypes;

    public SchemaGenerator(StepTypes stepTypes, SinkTypes sinkTypes, dev.switchboard.workflows.config.SourceTypes sourceTypes) {
        this.stepTypes = stepTypes;
        this.sinkTypes = sinkTypes;
        this.sourceTypes = sourceTypes;
        requireSameKeys("WorkflowLoader.TOP_LEVEL_KEYS", loaderConstant(WorkflowLoader.class, "TOP_LEVEL_KEYS"), WORKFLOW_KEYS);
        requireSameKeys("WorkflowLoader.STEP_KEYS", loaderConstant(WorkflowLoader.class, "STEP_KEYS"), STEP_KEYS);
        requireSameKeys("EngineConfigLoader.KEYS", loaderConstant(EngineConfigLoader.class, "KEYS"), CONFIG_SECTIONS);
    }

    /** Everything installed on the class path. */
    public static SchemaGenerator installed() {
        return new SchemaGenerator(StepTypes.installed(), SinkTypes.installed(), dev.switchboard.workflows.config.SourceTypes.installed());
    }

    /** Writes every generated file under the repository root given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("Usage: SchemaGenerator <repository root>");
            System.exit(2);
        }
        List<String> written = installed().write(Path.of(args[0]));
        written.forEach(file -> System.out.println("Wrote " + file));
    }

    /** The generated files by path relative to the repository root, in a fixed order. */
    public Map<String, String> files() {
        ObjectNode workflowSchema = workflowSchema();
        ReferenceDocs docs = new ReferenceDocs(stepTypes, sinkTypes, sourceTypes, workflowSchema);
        Map<String, String> files = new LinkedHashMap<>();
        files.put(WORKFLOW_SCHEMA, json(workflowSchema));
        files.put(CONFIG_SCHEMA, json(configSchema()));
        files.put(WORKFLOW_REFERENCE, docs.workflowReference());
        files.put(CONFIG_REFERENCE, docs.configurationReference());
        return files;
    }

    /** Writes the files whose content changed; returns their paths. */
    public List<String> write(Path root) throws IOException {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> file : files().entrySet()) {
            Path target = root.resolve(file.getKey());
            if (Files.exists(target) && Files.readString(target, StandardCharsets.UTF_8).equals(file.getValue())) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            written.add(file.getKey());
        }
        return written;
    }

    public ObjectNode workflowSchema() {
        ObjectNode schema = header(WORKFLOW_SCHEMA, "Switchboard workflow",
                "A workflow file: which events start it and the steps that run for each. Step types: "
                        + String.join(", ", stepTypes.all().keySet()) + ".");
        ObjectNode properties = schema.putObject("properties");
        ObjectNode name = properties.putObject("name");
        name.put("type", "string");
        name.put("pattern", anchored(loaderConstant(WorkflowLoader.class, "NAME")));
        name.put("description", WORKFLOW_KEYS.get("name"));
        properties.putObject("description").put("type", "string").put("description", WORKFLOW_KEYS.get("description"));
        ObjectNode on = OptionsSchema.of(Trigger.class);
        on.put("description", WORKFLOW_KEYS.get("on"));
        // types is required unless the workflow runs on a schedule (TriggerChecks says so with a line and a fix)
        ArrayNode typesOrSchedule = on.putArray("anyOf");
        typesOrSchedule.addObject().putArray("required").add("types");
        typesOrSchedule.addObject().putArray("required").add("schedule");
        properties.set("on", on);
        ObjectNode steps = properties.putObject("steps");
        ObjectNode budget = OptionsSchema.of(Budgets.Options.class);
        budget.put("description", WORKFLOW_KEYS.get("budget"));
        steps.put("type", "array");
        steps.put("description", WORKFLOW_KEYS.get("steps"));
        steps.put("minItems", 1);
        ArrayNode oneOf = steps.putObject("items").putArray("oneOf");
        properties.set("budget", budget);
        schema.putArray("required").add("name").add("on").add("steps");
        schema.put("additionalProperties", false);

        ObjectNode defs = schema.putObject("$defs");
        ObjectNode id = defs.putObject("step-id");
        id.put("type", "string");
        id.put("pattern", anchored(loaderConstant(WorkflowLoader.class, "STEP_ID")));
        id.put("description", STEP_KEYS.get("id"));
        ObjectNode when = defs.putObject("step-when");
        when.put("type", "string");
        when.put("description", STEP_KEYS.get("when"));
        when.put("x-cel", true);
        stepTypes.all().forEach((type, factory) -> {
            oneOf.addObject().put("$ref", "#/$defs/step." + type);
            ObjectNode step = defs.putObject("step." + type);
            step.put("title", type);
            step.put("description", factory.optionsType().getAnnotation(Documentation.class).summary());
            step.put("type", "object");
            ObjectNode stepProperties = step.putObject("properties");
            stepProperties.putObject("id").put("$ref", "#/$defs/step-id");
            stepProperties.putObject("when").put("$ref", "#/$defs/step-when");
            stepProperties.set(type, OptionsSchema.of(factory.optionsType()));
            step.putArray("required").add("id").add(type);
            step.put("additionalProperties", false);
        });
        return schema;
    }

    public ObjectNode configSchema() {
        ObjectNode schema = header(CONFIG_SCHEMA, "Switchboard engine configuration (switchboard.yaml)",
                "Kafka, topics, models, sinks, outbound policy, delivery and the workflows to run. Every section is optional. "
                        + "Sink types: " + String.join(", ", sinkTypes.all().keySet()) + ".");
        ObjectNode properties = schema.putObject("properties");
        ObjectNode defs = JSON.objectNode();
        CONFIG_SECTIONS.forEach((section, description) -> {
            ObjectNode node;
            if (SECTION_OPTIONS.containsKey(section)) {
                node = OptionsSchema.of(SECTION_OPTIONS.get(section));
            } else if (section.equals("models")) {
                node = JSON.objectNode().put("type", "object");
                node.set("additionalProperties", OptionsSchema.of(ModelDefinition.class));
            } else if (section.equals("aliases")) {
                node = JSON.objectNode().put("type", "object");
                ObjectNode chain = node.putObject("additionalProperties").put("type", "array").put("minItems", 1);
                chain.putObject("items").put("type", "string");
            } else if (section.equals("sinks")) {
                node = typedComponents("sink", sinkTypes.all(), defs);
            } else if (section.equals("sources")) {
                node = typedComponents("source", sourceTypes.all(), defs);
            } else if (section.equals("workflows")) {
                node = JSON.objectNode().put("type", "array");
                node.putObject("items").put("type", "string");
            } else {
                throw new IllegalStateException("SchemaGenerator has no schema for the configuration section '" + section
                        + "'. Add it to configSchema()");
            }
            node.put("description", description);
            properties.set(section, node);
        });
        schema.put("additionalProperties", false);
        schema.set("$defs", defs);
        return schema;
    }

    /** A map of names to objects with exactly one type key ({@code sinks:}, {@code sources:}): a oneOf over the installed types. */
    private static ObjectNode typedComponents(String kind, Map<String, ?> types, ObjectNode defs) {
        ObjectNode node = JSON.objectNode().put("type", "object");
        ArrayNode oneOf = node.putObject("additionalProperties").putArray("oneOf");
        types.forEach((type, factory) -> {
            Class<? extends Record> options = optionsOf(factory);
            oneOf.addObject().put("$ref", "#/$defs/" + kind + "." + type);
            ObjectNode def = defs.putObject(kind + "." + type);
            def.put("title", type);
            def.put("description", options.getAnnotation(Documentation.class).summary());
            def.put("type", "object");
            def.putObject("properties").set(type, OptionsSchema.of(options));
            def.putArray("required").add(type);
            def.put("additionalProperties", false);
        });
        if (types.isEmpty()) {
            node.putObject("additionalProperties").put("not", true);
        }
        return node;
    }

    static Class<? extends Record> optionsOf(Object factory) {
        if (factory instanceof dev.switchboard.schemas.spi.SinkFactory<?> sink) {
            return sink.optionsType();
        }
        if (factory instanceof dev.switchboard.schemas.spi.SourceFactory<?> source) {
            return source.optionsType();
        }
        throw new IllegalStateException("Not a sink or source factory: " + factory);
    }

    static String json(ObjectNode node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a schema as JSON", e);
        }
    }

    private static ObjectNode header(String file, String title, String description) {
        ObjectNode schema = JSON.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", ID_BASE + file);
        schema.put("$comment", MARKER);
        schema.put("title", title);
        schema.put("description", description);
        schema.put("type", "object");
        return schema;
    }

    /** Java's {@code matches()} anchors a pattern; JSON Schema's {@code pattern} does not. */
    private static String anchored(Object pattern) {
        return "^(?:" + ((Pattern) pattern).pattern() + ")$";
    }

    // The loaders own these constants; reading them here keeps one source of truth for the file shape.
    private static Object loaderConstant(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(owner.getSimpleName() + "." + name
                    + " is gone; SchemaGenerator reads the shape of the file from it. Update SchemaGenerator", e);
        }
    }

    private static void requireSameKeys(String source, Object accepted, Map<String, String> described) {
        Set<String> loader = new TreeSet<>();
        ((Set<?>) accepted).forEach(key -> loader.add(String.valueOf(key)));
        if (!loader.equals(new TreeSet<>(described.keySet()))) {
            throw new IllegalStateException(source + " accepts " + loader + " but SchemaGenerator describes "
                    + new TreeSet<>(described.keySet()) + ". Describe every accepted key in SchemaGenerator");
        }
    }

    private static Map<String, String> ordered(String... keysAndDescriptions) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndDescriptions.length; i += 2) {
            map.put(keysAndDescriptions[i], keysAndDescriptions[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
