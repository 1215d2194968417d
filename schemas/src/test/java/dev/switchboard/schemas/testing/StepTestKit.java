package dev.switchboard.schemas.testing;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.options.OptionValues;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a step's unit test needs, with no broker and no engine: options bound from a YAML snippet by the
 * real binder (declared defaults applied), an in-memory {@link StepEnvironment}, and invocations whose
 * templates render for real against {@code event} and {@code steps}.
 *
 * <pre>{@code
 * var environment = StepTestKit.environment().withBaseDir(dir).withService(models);
 * Step step = StepTestKit.create(new ClassifyStepFactory(), "triage", """
 *         input: "{{ event.data.body }}"
 *         labels: {billing: Invoices, bug: Crashes}
 *         """, environment);
 * StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().data("body", "The app crashes").build());
 * }</pre>
 */
public final class StepTestKit {

    private StepTestKit() {
    }

    /** Options bound from YAML by the real binder; throws naming every problem the loader would report. */
    public static <O extends Record> O options(Class<O> type, String yaml) {
        return OptionValues.fromYaml(type, yaml);
    }

    /** What the factory's check finds in these options (bound from YAML first). */
    public static <O extends Record> List<OptionProblem> check(StepFactory<O> factory, String yaml, StepEnvironment environment) {
        return factory.check(options(factory.optionsType(), yaml), environment);
    }

    /** The step, from options that must pass the factory's check. */
    public static <O extends Record> Step create(StepFactory<O> factory, String stepId, String yaml, StepEnvironment environment) {
        O options = options(factory.optionsType(), yaml);
        List<OptionProblem> problems = factory.check(options, environment);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("The options of step '" + stepId + "' do not pass the check: " + problems);
        }
        return factory.create(stepId, options, environment);
    }

    /** Runs one invocation and returns its outcome. */
    public static StepOutcome run(Step step, StepInvocation invocation) {
        List<StepOutcome> outcomes = step.run(List.of(invocation));
        if (outcomes.size() != 1) {
            throw new IllegalStateException("A step must return one outcome per invocation, got " + outcomes.size());
        }
        return outcomes.get(0);
    }

    /** An environment in the current folder, with no sinks and no services. */
    public static Environment environment() {
        return new Environment(Path.of("."), Set.of(), List.of());
    }

    /** An invocation of workflow {@code wf}, step {@code step}, event {@code e-1} of type {@code ticket.created}. */
    public static InvocationBuilder invocation() {
        return new InvocationBuilder();
    }

    /** An in-memory {@link StepEnvironment}: a folder, sink names and services, each given by the test. */
    public record Environment(Path baseDir, Set<String> sinkNames, List<Object> services) implements StepEnvironment {

        public Environment {
            sinkNames = Set.copyOf(sinkNames);
            services = List.copyOf(services);
        }

        public Environment withBaseDir(Path folder) {
            return new Environment(folder, sinkNames, services);
        }

        public Environment withSinks(String... names) {
            Set<String> all = new LinkedHashSet<>(sinkNames);
            all.addAll(Arrays.asList(names));
            return new Environment(baseDir, all, services);
        }

        /** Offers the service under every type it is an instance of, as the engine does. */
        public Environment withService(Object service) {
            List<Object> all = new ArrayList<>(services);
            all.add(service);
            return new Environment(baseDir, sinkNames, all);
        }

        @Override
        public <T> Optional<T> service(Class<T> type) {
            return services.stream().filter(type::isInstance).map(type::cast).findFirst();
        }
    }

    /** Builds a {@link StepInvocation} whose event is {@code {id, type, time, data}} and whose earlier steps are given. */
    public static final class InvocationBuilder {
        private String workflow = "wf";
        private String stepId = "step";
        private String eventId = "e-1";
        private String eventType = "ticket.created";
        private String time;
        private final Map<String, Object> data = new LinkedHashMap<>();
        private final Map<String, Object> steps = new LinkedHashMap<>();
        private final List<ModelCall> calls = new ArrayList<>();

        private InvocationBuilder() {
        }

        public InvocationBuilder workflow(String name) {
            this.workflow = name;
            return this;
        }

        public InvocationBuilder stepId(String id) {
            this.stepId = id;
            return this;
        }

        public InvocationBuilder eventId(String id) {
            this.eventId = id;
            return this;
        }

        public InvocationBuilder eventType(String type) {
            this.eventType = type;
            return this;
        }

        /** The event's {@code time}, an RFC 3339 timestamp. */
        public InvocationBuilder time(String timestamp) {
            this.time = timestamp;
            return this;
        }

        /** One field of {@code event.data}. */
        public InvocationBuilder data(String key, Object value) {
            data.put(key, value);
            return this;
        }

        public InvocationBuilder data(Map<String, ?> fields) {
            data.putAll(fields);
            return this;
        }

        /** The output of an earlier step, read as {@code steps.<id>.*}. */
        public InvocationBuilder step(String id, Map<String, ?> output) {
            steps.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(output)));
            return this;
        }

        /** Model calls made by earlier steps, for lineage. */
        public InvocationBuilder calls(ModelCall... earlier) {
            calls.addAll(Arrays.asList(earlier));
            return this;
        }

        public StepInvocation build() {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", eventId);
            event.put("type", eventType);
            if (time != null) {
                event.put("time", time);
            }
            event.put("data", Collections.unmodifiableMap(new LinkedHashMap<>(data)));
            return new Invocation(workflow, stepId, eventId, eventType, Collections.unmodifiableMap(event),
                    Collections.unmodifiableMap(new LinkedHashMap<>(steps)), List.copyOf(calls));
        }
    }

    private record Invocation(String workflow, String stepId, String eventId, String eventType, Map<String, Object> event,
                              Map<String, Object> steps, List<ModelCall> calls) implements StepInvocation {

        private Map<String, Object> root() {
            return Map.of("event", event, "steps", steps);
        }

        @Override
        public String render(String template) {
            return Template.parse(template).render(root(), Template.Missing.FAIL);
        }

        @Override
        public Object read(String path) {
            return Template.read(root(), Template.path(path));
        }
    }
}
