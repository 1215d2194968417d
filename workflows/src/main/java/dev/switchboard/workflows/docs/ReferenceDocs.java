package dev.switchboard.workflows.docs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.Budgets;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionField;
import dev.switchboard.schemas.spi.ConnectorFactory;
import dev.switchboard.workflows.config.SinkTypes;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Trigger;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Markdown reference pages: the workflow file and the engine configuration, with an options
 * table and the examples of every installed step and sink type. Everything in a table comes from
 * an options record; the schema fragments (patterns) come from the generated schema.
 */
final class ReferenceDocs {

    /** Shown under {@code budget:}; a test checks it against the workflow schema. */
    static final String BUDGET_EXAMPLE = """
            budget:
              daily_usd: 5
              on_exceed: fallback
              fallback_model: cheap
            """;

    /** How templates and conditions read, how that is checked, and what a missing value does. */
    static final String TEMPLATES = """
            ## Templates and conditions

            Options flagged *template* are `{{ path }}` templates. A path is dots and list indexes over `event` (the \
            CloudEvent: `id`, `source`, `type`, `subject`, `time` and the other attributes, and `data`) and, in a step, \
            `steps.<id>.<field>`, the output of a step before it. Nothing in a template is called or evaluated. Options \
            flagged *CEL* are conditions in CEL over the same `event` and `steps`.

            **Checked when the workflow loads** (by `switchboard validate`, and by every command that loads workflows). \
            Every path a template or a condition reads must be one that can be there: `event.data` as the JSON Schema of \
            each type in `on.types` describes it, `steps.<id>` as that step declares its output (the *Output* of each step \
            type below: a classify step's `label` and `confidence`, an extract step's fields, ...). A text compared with a \
            value of a fixed set must be in it: `steps.triage.label == 'bugs'` is an error when the step's labels are \
            `bug` and `question`, and so is `event.data.priority == 'urgnt'`. Each problem names its line and path, and \
            the nearest known name. An object's declared `properties` are all it has unless its schema's \
            `additionalProperties` allows more. In a workflow with `window` the steps read the `switchboard.window.fired` \
            event, with `schedule` the `switchboard.digest` event; `on.filter` and the window's `key` and `value` read \
            the events counted.

            Schemas ship for %s. Declare one for a type of your own in `on.schemas`, a JSON Schema file relative to \
            the workflow file:

            ```yaml
            on:
              types: [invoice.received]
              schemas:
                invoice.received: schemas/invoice.received.schema.json
            ```

            A type with no schema is a warning (`file:line: warning: ...`), and what its `data` holds is not checked. \
            `validate` exits 0 when there are only warnings.

            **Files.** Options flagged *file* name a file or folder relative to the workflow file. It must stay inside \
            the configuration's folder or a folder listed in `files.allowed_dirs` of `switchboard.yaml` (the workflow's own \
            folder when `validate` runs without a configuration): an absolute path, or a `..` or symbolic link that leads \
            out, is refused when the workflow loads, and a problem with such a file never quotes what is in it.

            **A value that is not there.** A placeholder may state the text to use when its value is absent: \
            `{{ event.data.channel | default: "web" }}` (in double or single quotes, without braces inside). Without a \
            fallback, a value absent from an event (a field its type may leave out, the output of a step whose `when` was \
            false) fails that event, which goes to the dead-letter topic with the path and the fix. A condition guards \
            such a field with `has()`: `has(event.data.priority) && event.data.priority == 'urgent'`.

            """;

    /** Shown under {@code models:}; the generated-files test checks it against the configuration schema. */
    static final String MODELS_EXAMPLE = """
            models:
              deepseek:
                provider: openai
                base_url: https://api.deepseek.com/v1
                model: deepseek-chat
                api_key_env: DEEPSEEK_API_KEY
                timeout_seconds: 20
              local-qwen:
                preset: vllm
                model: qwen2.5-7b-instruct
                max_tokens: 128
                max_concurrency: 64
                price_per_second: 0.0006
            aliases:
              fast: [deepseek, local-qwen, embedded]
            """;

    private final StepTypes stepTypes;
    private final SinkTypes sinkTypes;
    private final dev.switchboard.workflows.config.SourceTypes sourceTypes;
    private final JsonNode workflowSchema;

    ReferenceDocs(StepTypes stepTypes, SinkTypes sinkTypes, dev.switchboard.workflows.config.SourceTypes sourceTypes, JsonNode workflowSchema) {
        this.sourceTypes = sourceTypes;
        this.stepTypes = stepTypes;
        this.sinkTypes = sinkTypes;
        this.workflowSchema = workflowSchema;
    }

    String workflowReference() {
        StringBuilder md = page("Workflow YAML reference",
                "A workflow file says which events start it (`on`) and the steps that run for each of them.",
                "workflow files", SchemaGenerator.WORKFLOW_SCHEMA, "step");

        md.append("## Top-level keys\n\n");
        md.append("| Key | Type | Required | Description |\n|---|---|---|---|\n");
        md.append(row(code("name"), "string matching " + code(workflowSchema.at("/properties/name/pattern").asText()), "yes",
                SchemaGenerator.WORKFLOW_KEYS.get("name")));
        md.append(row(code("description"), "string", "no", SchemaGenerator.WORKFLOW_KEYS.get("description")));
        md.append(row(code("on"), "object, see [`on`](#on)", "yes", SchemaGenerator.WORKFLOW_KEYS.get("on")));
        md.append(row(code("steps"), "non-empty list of steps, see [Steps](#steps)", "yes", SchemaGenerator.WORKFLOW_KEYS.get("steps")));
        md.append(row(code("budget"), "object, see [`budget`](#budget)", "no", SchemaGenerator.WORKFLOW_KEYS.get("budget")));
        md.append("\n");

        md.append(TEMPLATES.formatted(EventSchemas.types().stream().map(ReferenceDocs::code).collect(Collectors.joining(", "))));

        md.append("## `on`\n\n").append(SchemaGenerator.WORKFLOW_KEYS.get("on")).append("\n\n");
        md.append(optionsTable(Trigger.class)).append("\n");

        md.append("## `budget`\n\n").append(SchemaGenerator.WORKFLOW_KEYS.get("budget")).append("\n\n");
        md.append(optionsTable(Budgets.Options.class)).append("\n");
        md.append("```yaml\n").append(BUDGET_EXAMPLE).append("```\n\n");

        md.append("## Steps\n\n");
        md.append("Every item of `steps` is a mapping with these keys and exactly one step type key, ")
                .append("whose value holds that type's options.\n\n");
        md.append("| Key | Type | Required | Description |\n|---|---|---|---|\n");
        md.append(row(code("id"), "string matching " + code(workflowSchema.at("/$defs/step-id/pattern").asText()), "yes",
                SchemaGenerator.STEP_KEYS.get("id")));
        md.append(row(code("when"), "string", "no", SchemaGenerator.STEP_KEYS.get("when") + " (CEL)"));
        md.append(row("one step type", "object", "yes", "One of "
                + stepTypes.all().keySet().stream().map(type -> "[" + code(type) + "](#" + type + ")").collect(Collectors.joining(", "))
                + "."));
        md.append("\n");
        stepTypes.all().forEach((type, factory) -> {
            md.append(component("###", type, factory.getClass(), factory.optionsType()));
            for (Example example : factory.optionsType().getAnnotationsByType(Example.class)) {
                md.append("**Example: ").append(example.title()).append("**\n\n")
                        .append("```yaml\nsteps:\n").append(indent(example.yaml(), "  - ", "    ")).append("```\n\n");
            }
        });
        return finish(md);
    }

    String configurationReference() {
        StringBuilder md = page("Engine configuration reference",
                "`switchboard.yaml` configures the engine. Every section is optional: an empty file runs on an embedded "
                        + "Kafka broker with the embedded model.",
                "it", SchemaGenerator.CONFIG_SCHEMA, "sink");
        md.append("| Section | Description |\n|---|---|\n");
        SchemaGenerator.CONFIG_SECTIONS.forEach((section, description) ->
                md.append(row("[" + code(section) + "](#" + section + ")", description)));
        md.append("\n");
        SchemaGenerator.CONFIG_SECTIONS.forEach((section, description) -> {
            md.append("## `").append(section).append("`\n\n").append(description).append("\n\n");
            Class<? extends Record> options = SchemaGenerator.SECTION_OPTIONS.get(section);
            if (options != null) {
                md.append(optionsTable(options)).append("\n");
            } else if (section.equals("models")) {
                models(md);
            } else if (section.equals("aliases")) {
                md.append("Each entry is `<alias>: [<model>, ...]`, the models tried in order. An alias cannot have a model's name ")
                        .append("nor name another alias. A step that names a single model is not a chain: its failures are retried by ")
                        .append("the engine and dead-lettered as before; low confidence still sends it to review. See `docs/models.md`.\n\n");
            } else if (section.equals("sinks")) {
                sinks(md);
            } else if (section.equals("sources")) {
                sources(md);
            } else if (section.equals("workflows")) {
                md.append("A list of paths. A folder stands for every `*.yaml` and `*.yml` file directly in it, ")
                        .append("except `switchboard.yaml`.\n\n");
            }
        });
        return finish(md);
    }

    private void models(StringBuilder md) {
        md.append("Each entry is `<name>:` with these options.\n\n");
        md.append(optionsTable(ModelDefinition.class)).append("\n");
        md.append("DeepSeek, Qwen (DashScope compatible mode), vLLM, Ollama, llama.cpp server, LM Studio and OpenRouter are all ")
                .append("`provider: openai`; a `preset` fills in their `base_url` and `api_key_env`, and an `openai` model needs a ")
                .append("`base_url` (its own or its preset's) and a `model` (checked when the configuration loads). Limits and the ")
                .append("circuit hold per model for all workflows together. The model `")
                .append(ModelRegistry.EMBEDDED).append("` (the in-process encoder " + dev.switchboard.llm.embedded.EncoderModel.DEFAULT_ID + ", zero-shot) always exists and needs no entry.\n\n");
        md.append("**Example: two OpenAI-compatible endpoints and a chain**\n\n```yaml\n").append(MODELS_EXAMPLE).append("```\n\n");
    }

    private void sinks(StringBuilder md) {
        connectors(md, "sink", "Sink types", "sinks", sinkTypes.all());
    }

    private void sources(StringBuilder md) {
        if (sourceTypes.all().isEmpty()) {
            md.append("No source types are installed.\n\n");
            return;
        }
        connectors(md, "source", "Source types", "sources", sourceTypes.all());
    }

    /** Each installed sink or source type with its options and its examples, written under {@code section:}. */
    private static void connectors(StringBuilder md, String kind, String label, String section,
                                   Map<String, ? extends ConnectorFactory<Record, ?, ?>> types) {
        md.append("Each entry is `<name>:` with exactly one ").append(kind).append(" type key, whose value holds that type's options. ")
                .append(label).append(": ")
                .append(types.keySet().stream().map(type -> "[" + code(type) + "](#" + type + ")").collect(Collectors.joining(", ")))
                .append(".\n\n");
        types.forEach((type, factory) -> {
            md.append(component("###", type, factory.getClass(), factory.optionsType()));
            for (Example example : factory.optionsType().getAnnotationsByType(Example.class)) {
                md.append("**Example: ").append(example.title()).append("**\n\n")
                        .append("```yaml\n").append(section).append(":\n").append(indent(example.yaml(), "  ", "  ")).append("```\n\n");
            }
        });
    }

    private static String component(String heading, String type, Class<?> factory, Class<? extends Record> options) {
        Documentation doc = options.getAnnotation(Documentation.class);
        StringBuilder md = new StringBuilder();
        md.append(heading).append(" `").append(type).append("`\n\n").append(doc.summary()).append("\n\n");
        if (!doc.description().isBlank()) {
            md.append(doc.description().strip()).append("\n\n");
        }
        md.append("Declared by `").append(factory.getName()).append("`.\n\n");
        md.append(optionsTable(options)).append("\n");
        return md.toString();
    }

    static String optionsTable(Class<? extends Record> type) {
        StringBuilder md = new StringBuilder();
        md.append("| Option | Type | Required | Default | Constraints | Description | Flags |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        rows(type, "", md);
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void rows(Class<? extends Record> type, String prefix, StringBuilder md) {
        for (OptionField field : OptionField.of(type)) {
            Option option = field.option();
            String key = prefix + field.key();
            md.append(row(code(key), typeName(field.genericType()), option.required() ? "yes" : "no",
                    field.defaultValue().isEmpty() ? "" : code(field.defaultValue()), constraints(option),
                    option.description(), flags(option)));
            Type nested = field.genericType();
            String path = key;
            // Options of a nested record get their own rows, under the path YAML reaches them by.
            while (!OptionField.raw(nested).isRecord()) {
                Class<?> raw = OptionField.raw(nested);
                if (List.class.isAssignableFrom(raw)) {
                    nested = OptionField.argument(nested, 0);
                    path += "[]";
                } else if (Map.class.isAssignableFrom(raw)) {
                    nested = OptionField.argument(nested, 1);
                    path += ".<name>";
                } else {
                    break;
                }
            }
            if (OptionField.raw(nested).isRecord()) {
                rows((Class<? extends Record>) OptionField.raw(nested), path + ".", md);
            }
        }
    }

    static String typeName(Type type) {
        Class<?> raw = OptionField.raw(type);
        String scalar = OptionField.scalarType(raw);
        if (scalar != null) {
            return scalar;
        }
        if (List.class.isAssignableFrom(raw)) {
            return "list of " + typeName(OptionField.argument(type, 0));
        }
        if (Map.class.isAssignableFrom(raw)) {
            String value = typeName(OptionField.argument(type, 1));
            return "map of " + (value.contains(" ") ? "(" + value + ")" : value);
        }
        if (raw.isRecord()) {
            return "object";
        }
        throw new IllegalStateException("Unsupported option type " + type.getTypeName());
    }

    private static String constraints(Option option) {
        List<String> parts = new ArrayList<>();
        if (!Double.isNaN(option.minimum())) {
            parts.add("min " + number(option.minimum()));
        }
        if (!Double.isNaN(option.maximum())) {
            parts.add("max " + number(option.maximum()));
        }
        if (option.allowed().length > 0) {
            parts.add("one of " + List.of(option.allowed()).stream().map(ReferenceDocs::code).collect(Collectors.joining(", ")));
        }
        return String.join(", ", parts);
    }

    private static String flags(Option option) {
        List<String> flags = new ArrayList<>();
        if (option.secret()) {
            flags.add("secret");
        }
        if (option.template()) {
            flags.add("template");
        }
        if (option.cel()) {
            flags.add("CEL");
        }
        if (option.file()) {
            flags.add("file");
        }
        return String.join(", ", flags);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Prefixes the first line of a YAML snippet with {@code first} and the others with {@code rest}. */
    static String indent(String yaml, String first, String rest) {
        StringBuilder out = new StringBuilder();
        String[] lines = yaml.stripTrailing().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                out.append(i == 0 ? first : rest).append(lines[i]);
            }
            out.append("\n");
        }
        return out.toString();
    }

    private static String row(String... cells) {
        return Stream.of(cells).map(ReferenceDocs::cell).collect(Collectors.joining(" | ", "| ", " |\n"));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ").strip();
    }

    private static String code(String text) {
        return "`" + text + "`";
    }

    /** The head of a generated page: the marker, its title, what it documents, and the JSON Schema generated with it. */
    private static StringBuilder page(String title, String intro, String checked, String schema, String types) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- ").append(SchemaGenerator.MARKER).append(" -->\n\n");
        md.append("# ").append(title).append("\n\n");
        md.append(intro).append(" Editors and CI can check ").append(checked).append(" against the JSON Schema ")
                .append(link(schema))
                .append(", generated with this page from the installed ").append(types).append(" types.\n\n");
        return md;
    }

    private static String link(String file) {
        return "[`" + file + "`](../../" + file + ")";
    }

    private static String finish(StringBuilder md) {
        return md.toString().stripTrailing() + "\n";
    }
}
