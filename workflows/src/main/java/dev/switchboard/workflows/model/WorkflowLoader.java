package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.llm.Budgets;
import dev.switchboard.schemas.Problem;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.types.ValueType;
import dev.switchboard.workflows.expr.Cel;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads workflow files and reports every problem of a file at once, each with line, path and a
 * message saying how to fix it. Templates are checked against what a step can read (the event and
 * earlier steps); CEL conditions are compiled; step options are checked against their records and
 * by their factories.
 */
public final class WorkflowLoader {

    static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "description", "on", "steps", "budget");
    static final Set<String> STEP_KEYS = Set.of("id", "when");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final int MAX_FILE_BYTES = 1024 * 1024;

    private final StepTypes stepTypes;
    private final Function<Path, StepEnvironment> environments;
    private final boolean forChecks;
    private final Cel cel = new Cel();
    private final TriggerEvents triggerEvents = new TriggerEvents(EventSchemas.shipped());

    /**
     * @param environments gives the step environment for a workflow's folder (sinks, models)
     */
    public WorkflowLoader(StepTypes stepTypes, Function<Path, StepEnvironment> environments) {
        this(stepTypes, environments, false);
    }

    private WorkflowLoader(StepTypes stepTypes, Function<Path, StepEnvironment> environments, boolean forChecks) {
        this.stepTypes = stepTypes;
        this.environments = environments;
        this.forChecks = forChecks;
    }

    /** The same loader for commands that only check and send nothing: a secret missing from the environment is a warning. */
    public WorkflowLoader forChecks() {
        return new WorkflowLoader(stepTypes, environments, true);
    }

    /** A workflow, or the problems that keep it from loading; warnings either way. */
    public record Result(Workflow workflow, List<Problem> problems, List<Problem> warnings) {
        public Result {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public Result(Workflow workflow, List<Problem> problems) {
            this(workflow, problems, List.of());
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Result load(Path file) {
        String display = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return new Result(null, List.of(new Problem(display, 0, "", "File too large: over 1 MiB. Split the workflow")));
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Path folder = file.toAbsolutePath().getParent();
            return parse(display, text, folder, file);
        } catch (IOException e) {
            return new Result(null, List.of(new Problem(display, 0, "", "Cannot read file: " + e.getMessage())));
        }
    }

    public Result parse(String display, String text, Path folder, Path file) {
        Problems problems = forChecks ? Problems.forChecks(display) : new Problems(display);
        Node root;
        try (Reader reader = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported as problems below, with their lines
            options.setMaxAliasesForCollections(20);
            options.setNestingDepthLimit(40);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            problems.add(e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1, "",
                    "Invalid YAML: " + e.getProblem() + ". Check indentation and quoting near this line");
            return new Result(null, problems.list());
        } catch (YAMLException | IOException e) {
            problems.add(0, "", "Invalid YAML: " + e.getMessage());
            return new Result(null, problems.list());
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(root, "", "Wrong type at the top level: got " + OptionsBinder.describe(root)
                    + ", expected a mapping with name, on and steps. Start the file with name: <workflow-name>");
            return new Result(null, problems.list());
        }
        Map<String, NodeTuple> keys = keys(mapping, "", TOP_LEVEL_KEYS, problems, "");
        if (keys.get("name") == null) {
            problems.add(mapping, "name", "Missing 'name' at the top level. Name the workflow, e.g. name: ticket-triage");
        }
        String name = text(keys.get("name"), "name", problems);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add(keys.get("name").getValueNode(), "name", "Invalid name at name: got '" + name
                    + "', expected lowercase letters, digits and dashes (it names Kafka consumer groups). E.g. ticket-triage");
        }
        String description = text(keys.get("description"), "description", problems);

        StepEnvironment environment = environments.apply(folder);
        ReadChecks reads = new ReadChecks(problems);
        Trigger trigger = null;
        ReadScope started = triggerEvents.untyped();
        if (keys.get("on") == null) {
            problems.add(mapping, "on", "Missing 'on' at the top level. Say which events start the workflow, e.g. on: { types: [ticket.created] }");
        } else {
            Node on = keys.get("on").getValueNode();
            OptionsBinder binder = new OptionsBinder(problems, (option, value, node, path) -> checkExpression(option, value, node, path, null, reads, problems),
                    NamedFiles.resolver(folder, environment, problems));
            trigger = binder.bind(Trigger.class, on, "on");
            if (trigger != null) {
                TriggerChecks.check(trigger, on, problems);
                Trigger read = trigger;
                environment.service(ExternalTopics.class).ifPresent(external -> TriggerChecks.untrusted(read, on, external, problems));
                TriggerEvents.Scopes scopes = triggerEvents.of(trigger, on, folder, problems);
                checkTriggerReads(trigger, on, scopes.counted(), reads);
                started = scopes.started();
            }
            if (trigger != null && trigger.types() != null && trigger.types().isEmpty()) {
                problems.add(valueAt(keys.get("on").getValueNode(), List.of("types")), "on.types",
                        "Empty list at on.types: got [], expected at least one event type. Name the events that start the workflow, e.g. types: [ticket.created]");
            }
        }
        List<StepSpec> steps = steps(keys.get("steps"), mapping, folder, environment, started, problems);
        Budgets.Options budget = WorkflowBudget.bind(keys.get("budget"), environment, problems);
        if (!problems.isEmpty()) {
            return new Result(null, problems.list(), problems.warnings());
        }
        return new Result(new Workflow(name, description, trigger, steps, file, budget), List.of(), problems.warnings());
    }

    /** What on.filter and a window's key and value read: the events the trigger counts, and no step. */
    private static void checkTriggerReads(Trigger trigger, Node on, ReadScope counted, ReadChecks reads) {
        if (trigger.filter() != null) {
            reads.expression(trigger.filter(), valueAt(on, List.of("filter")), "on.filter", counted);
        }
        if (trigger.window() != null) {
            reads.expression(trigger.window().key(), valueAt(on, List.of("window", "key")), "on.window.key", counted);
            if (trigger.window().value() != null) {
                reads.expression(trigger.window().value(), valueAt(on, List.of("window", "value")), "on.window.value", counted);
            }
        }
    }

    private List<StepSpec> steps(NodeTuple tuple, Node parent, Path folder, StepEnvironment environment, ReadScope started, Problems problems) {
        ReadChecks reads = new ReadChecks(problems);
        if (tuple == null) {
            problems.add(parent, "steps", "Missing 'steps' at the top level. Add a list of steps, e.g. a classify step and a task step");
            return List.of();
        }
        if (!(tuple.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            problems.add(tuple.getValueNode(), "steps", "Wrong type at steps: got " + OptionsBinder.describe(tuple.getValueNode())
                    + ", expected a non-empty list of steps");
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>();
        ReadScope scope = started;
        Set<String> allIds = new HashSet<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            String path = "steps[" + i + "]";
            Node node = sequence.getValue().get(i);
            if (!(node instanceof MappingNode stepMapping)) {
                problems.add(node, path, "Wrong type at " + path + ": got " + OptionsBinder.describe(node)
                        + ", expected a step with id and one type (" + String.join(", ", stepTypes.all().keySet()) + ")");
                continue;
            }
            Set<String> known = new HashSet<>(STEP_KEYS);
            known.addAll(stepTypes.all().keySet());
            Map<String, NodeTuple> keys = keys(stepMapping, path, known, problems, "step type");
            String id = text(keys.get("id"), path + ".id", problems);
            if (keys.get("id") == null) {
                problems.add(stepMapping, path + ".id", "Missing 'id' at " + path + ". Give every step a unique id, e.g. id: triage");
            } else if (id != null && !STEP_ID.matcher(id).matches()) {
                problems.add(keys.get("id").getValueNode(), path + ".id", "Invalid step id at " + path + ".id: got '" + id
                        + "', expected lowercase letters, digits, '-' and '_'");
            } else if (id != null && !allIds.add(id)) {
                problems.add(keys.get("id").getValueNode(), path + ".id", "Duplicate step id at " + path + ".id: got '" + id
                        + "', expected each id once. Rename one of the steps");
            }
            String when = text(keys.get("when"), path + ".when", problems);
            if (when != null) {
                checkExpression(celOption(), when, keys.get("when").getValueNode(), path + ".when", scope, reads, problems);
            }
            ValueType outputs = ValueType.any();
            List<String> types = keys.keySet().stream().filter(stepTypes::contains).toList();
            if (types.isEmpty()) {
                if (stepMapping.getValue().stream().allMatch(t -> t.getKeyNode() instanceof ScalarNode k && STEP_KEYS.contains(k.getValue()))) {
                    problems.add(stepMapping, path, "Step without a type at " + path + ": expected one of "
                            + String.join(", ", stepTypes.all().keySet()) + ", e.g. classify: { ... }");
                }
            } else if (types.size() > 1) {
                problems.add(stepMapping, path, "Several step types at " + path + ": got " + types
                        + ", expected exactly one. Split them into separate steps");
            } else {
                String type = types.get(0);
                StepFactory<Record> factory = stepTypes.get(type);
                String optionsPath = path + "." + type;
                Node optionsNode = keys.get(type).getValueNode();
                // what the options read is reported after binding, so that the step's outputs still type the steps after it
                Problems unreadable = new Problems(problems.file());
                ReadChecks optionReads = new ReadChecks(unreadable);
                ReadScope readable = ForEachItems.scope(scope, optionsNode, optionsPath, unreadable);
                OptionsBinder binder = new OptionsBinder(problems,
                        (option, value, valueNode, valuePath) -> checkExpression(option, value, valueNode, valuePath, readable, optionReads, problems),
                        NamedFiles.resolver(folder, environment, problems));
                Record options = binder.bind(factory.optionsType(), optionsNode, optionsPath);
                problems.addAll(unreadable.list());
                if (options != null) {
                    for (OptionProblem problem : factory.check(options, environment)) {
                        problems.add(optionsNode, optionsPath, problem);
                    }
                    steps.add(new StepSpec(id, when, type, factory, options, node.getStartMark().getLine() + 1));
                    outputs = outputs(factory.outputs(options, environment), scope, optionsNode, optionsPath, problems);
                }
            }
            if (id != null) {
                scope = scope.withStep(id, outputs);
            }
        }
        return steps;
    }

    /** A step's outputs as later steps read them; an included step (an enrich step's from) must run before it. */
    private static ValueType outputs(ValueType declared, ReadScope scope, Node optionsNode, String optionsPath, Problems problems) {
        return scope.withIncludedFields(declared).orElseGet(() -> {
            String step = ((ValueType.ObjectOf) declared).fieldsOfStep();
            problems.add(optionsNode, optionsPath, "Unknown step '" + step + "' at " + optionsPath + ": its output takes that step's fields, "
                    + (scope.steps().isEmpty() ? "but no step runs before this one" : "expected one of the steps before this one "
                    + scope.steps().keySet() + DidYouMean.hint(step, scope.steps().keySet())));
            return ValueType.any();
        });
    }

    /**
     * A CEL option compiles, a template parses, and what either reads can be there ({@code scope}; null while
     * {@code on} is bound, whose reads are checked once its event types are known).
     */
    private void checkExpression(Option option, String value, Node node, String path, ReadScope scope, ReadChecks reads, Problems problems) {
        if (option.cel()) {
            try {
                cel.compile(value);
            } catch (IllegalArgumentException e) {
                problems.add(node, path, "Invalid CEL condition at " + path + ": got '" + OptionsBinder.abbreviate(value)
                        + "', expected a true/false expression over event" + (scope != null && scope.stepsReadable() ? " and steps" : "")
                        + ", e.g. event.data.priority == 'urgent'. " + e.getMessage());
                return;
            }
            if (scope != null) {
                reads.expression(value, node, path, scope);
            }
            return;
        }
        if (option.template() && scope != null) {
            reads.template(value, node, path, scope);
        }
    }

    private static Map<String, NodeTuple> keys(MappingNode mapping, String path, Set<String> known, Problems problems, String kind) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode scalar)) {
                problems.add(tuple.getKeyNode(), path, "Wrong key at " + (path.isEmpty() ? "the top level" : path) + ": keys must be plain text");
                continue;
            }
            String key = scalar.getValue();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (!known.contains(key)) {
                String hint = DidYouMean.hint(key, known);
                String what = kind.isEmpty() || hint.isEmpty() && !path.startsWith("steps") ? "key" : kind;
                problems.add(tuple.getKeyNode(), keyPath, "Unknown " + what + " '" + key + "' at "
                        + (path.isEmpty() ? "the top level" : path) + hint
                        + (hint.isEmpty() ? ". Expected one of: " + String.join(", ", new TreeSet<>(known)) : ""));
                continue;
            }
            if (keys.put(key, tuple) != null) {
                problems.add(tuple.getKeyNode(), keyPath, "Duplicate key '" + key + "' at " + (path.isEmpty() ? "the top level" : path) + ". Keep one");
            }
        }
        return keys;
    }

    private static String text(NodeTuple tuple, String path, Problems problems) {
        if (tuple == null) {
            return null;
        }
        if (tuple.getValueNode() instanceof ScalarNode scalar && !OptionsBinder.isNull(scalar)) {
            return scalar.getValue();
        }
        problems.add(tuple.getValueNode(), path, "Wrong type at " + path + ": got " + OptionsBinder.describe(tuple.getValueNode()) + ", expected text");
        return null;
    }

    /** The value node at a path of mapping keys below a node, or the node itself when it is not there. */
    private static Node valueAt(Node node, List<String> keys) {
        Node current = node;
        for (String key : keys) {
            NodeTuple tuple = tupleOf(current, key);
            if (tuple == null) {
                return node;
            }
            current = tuple.getValueNode();
        }
        return current;
    }

    static NodeTuple tupleOf(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                    return tuple;
                }
            }
        }
        return null;
    }

    /** The option metadata of on.filter, which a step's when shares: a CEL condition. */
    private static Option celOption() {
        for (java.lang.reflect.RecordComponent component : Trigger.class.getRecordComponents()) {
            if (component.getName().equals("filter")) {
                return component.getAnnotation(Option.class);
            }
        }
        throw new IllegalStateException("Trigger has no filter option");
    }
}
