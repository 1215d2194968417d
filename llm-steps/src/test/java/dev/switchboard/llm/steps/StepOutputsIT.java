package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import dev.switchboard.schemas.types.ValueType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a model step writes is what its factory declares: every field of a completed output is one that
 * {@link StepFactory#outputs} names, with a value of the declared kind, so that workflows checked against the
 * declaration read what is there. The chat model is the simulator, answering whatever the step's JSON schema asks.
 */
class StepOutputsIT {

    private static ModelSimulator simulator;
    private static ModelRegistry models;

    @BeforeAll
    static void start() {
        simulator = ModelSimulator.start();
        models = new ModelRegistry(Map.of("chat", ModelDefinition.builder().baseUrl(simulator.baseUrl()).model("sim").retries(0).build()), Map.of());
    }

    @AfterAll
    static void stop() {
        models.close();
        simulator.close();
    }

    static Stream<Arguments> steps() {
        return Stream.of(
                Arguments.of(new ClassifyStepFactory(), """
                        input: "{{ event.data.body }}"
                        model: chat
                        labels: {billing: Invoices and payments, bug: Something is broken}
                        """),
                Arguments.of(new ExtractStepFactory(), """
                        input: "{{ event.data.body }}"
                        model: chat
                        fields:
                          invoice: {type: string}
                          amount: {type: number}
                          lines: {type: integer}
                          paid: {type: boolean}
                          currency: {type: enum, values: [EUR, USD]}
                          supplier: {type: object, fields: {name: {type: string}, vat_id: {type: string}}}
                          tax_lines: {type: list, fields: {rate: {type: number}, tax: {type: number}}}
                        """),
                Arguments.of(new ScoreStepFactory(), """
                        input: "{{ event.data.body }}"
                        model: chat
                        min: 0
                        max: 100
                        integer: true
                        rubric: "100: a budget and a timeline"
                        """),
                Arguments.of(new SummarizeStepFactory(), """
                        input: "{{ event.data.body }}"
                        model: chat
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    <O extends Record> void should_write_only_the_fields_its_factory_declares(StepFactory<O> factory, String yaml) {
        // given
        StepTestKit.Environment environment = StepTestKit.environment().withService(models);
        O options = StepTestKit.options(factory.optionsType(), yaml + "cache: \"off\"\ninjection: \"off\"\n");
        ValueType.ObjectOf declared = (ValueType.ObjectOf) factory.outputs(options, environment);

        // when
        StepOutcome outcome = StepTestKit.run(factory.create("step", options, environment),
                StepTestKit.invocation().data("body", "Invoice INV-1 of 120 EUR is due on 2026-12-01; we want a plan this quarter.").build());

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        Map<String, Object> output = ((StepOutcome.Completed) outcome).output();
        assertThat(declared.fields()).containsKeys(output.keySet().toArray(String[]::new));
        output.forEach((field, value) -> assertThat(conforms(declared.fields().get(field), value))
                .as("%s = %s, declared %s", field, value, declared.fields().get(field).describe()).isTrue());
    }

    private static boolean conforms(ValueType type, Object value) {
        if (value == null || type instanceof ValueType.Any) {
            return true;
        }
        if (type instanceof ValueType.Text text) {
            return value instanceof String string && (text.values().isEmpty() || text.values().contains(string));
        }
        if (type instanceof ValueType.Number number) {
            return value instanceof Number n && (!number.integer() || n.doubleValue() == Math.rint(n.doubleValue()));
        }
        if (type instanceof ValueType.Bool) {
            return value instanceof Boolean;
        }
        if (type instanceof ValueType.ListOf list) {
            return value instanceof List<?> items && items.stream().allMatch(item -> conforms(list.items(), item));
        }
        if (type instanceof ValueType.ObjectOf object) {
            return value instanceof Map<?, ?> map && map.entrySet().stream().allMatch(entry -> {
                ValueType field = object.fields().getOrDefault(String.valueOf(entry.getKey()), object.others());
                return field != null && conforms(field, entry.getValue());
            });
        }
        return true;
    }
}
