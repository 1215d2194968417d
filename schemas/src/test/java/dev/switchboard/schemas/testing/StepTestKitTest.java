package dev.switchboard.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepTestKitTest {

    /** A step that greets: its text and a sink come from options, one of them with a default. */
    static final class GreetStepFactory implements StepFactory<GreetStepFactory.Options> {

        record Options(
                @Option(description = "The greeting.", required = true, template = true) String text,
                @Option(description = "Where to send it.", defaultValue = "queue") String sink,
                @Option(description = "How many times.", defaultValue = "1", minimum = 1) @JsonProperty("repeat_times") Integer repeatTimes) {
        }

        @Override
        public Class<Options> optionsType() {
            return Options.class;
        }

        @Override
        public List<OptionProblem> check(Options options, StepEnvironment environment) {
            return environment.sinkNames().contains(options.sink()) ? List.of()
                    : List.of(OptionProblem.at("sink", "Unknown sink").got(options.sink()).expected("one of " + environment.sinkNames()));
        }

        @Override
        public Step create(String stepId, Options options, StepEnvironment environment) {
            return batch -> batch.stream().<StepOutcome>map(invocation -> StepOutcome.Completed.of(
                    Map.of("text", invocation.render(options.text()).repeat(options.repeatTimes())))).toList();
        }
    }

    @Test
    void should_apply_declared_defaults_when_options_are_bound_from_yaml() {
        // when
        GreetStepFactory.Options options = StepTestKit.options(GreetStepFactory.Options.class, "text: hi");

        // then
        assertThat(options).isEqualTo(new GreetStepFactory.Options("hi", "queue", 1));
    }

    @Test
    void should_name_every_problem_when_options_are_invalid() {
        assertThatThrownBy(() -> StepTestKit.options(GreetStepFactory.Options.class, "repeat_times: 0\ncolour: red"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing required option 'text'")
                .hasMessageContaining("Out of range at options.repeat_times")
                .hasMessageContaining("Unknown option 'colour'");
    }

    @Test
    void should_render_templates_against_the_event_and_earlier_steps_when_the_step_runs() {
        // given
        StepTestKit.Environment environment = StepTestKit.environment().withSinks("queue");
        Step step = StepTestKit.create(new GreetStepFactory(), "greet", """
                text: "Hello {{ event.data.name }} ({{ steps.triage.label }}) "
                repeat_times: 2
                """, environment);

        // when
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().data("name", "Jane")
                .step("triage", Map.of("label", "bug")).build());

        // then
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("text", "Hello Jane (bug) Hello Jane (bug) ");
    }

    @Test
    void should_report_the_check_when_the_environment_lacks_what_the_options_name() {
        assertThat(StepTestKit.check(new GreetStepFactory(), "text: hi", StepTestKit.environment()))
                .singleElement().asString().isEqualTo("Unknown sink at sink: got 'queue', expected one of []");
        assertThatThrownBy(() -> StepTestKit.create(new GreetStepFactory(), "greet", "text: hi", StepTestKit.environment()))
                .hasMessageContaining("Unknown sink at sink");
    }

    @Test
    void should_offer_services_by_type_when_the_environment_has_them() {
        // given
        StepTestKit.Environment environment = StepTestKit.environment().withBaseDir(Path.of("/tmp")).withService("a service");

        // then
        assertThat(environment.service(CharSequence.class)).contains("a service");
        assertThat(environment.service(Integer.class)).isEmpty();
        assertThat(environment.baseDir()).isEqualTo(Path.of("/tmp"));
    }

    @Test
    void should_read_paths_and_carry_the_event_when_an_invocation_is_built() {
        // when
        var invocation = StepTestKit.invocation().workflow("triage").eventId("e-9").time("2026-01-01T00:00:00Z")
                .data(Map.of("subject", "Refund")).build();

        // then
        assertThat(invocation.read("event.data.subject")).isEqualTo("Refund");
        assertThat(invocation.read("steps.nothing.here")).isNull();
        assertThat(invocation.event()).containsEntry("id", "e-9").containsEntry("time", "2026-01-01T00:00:00Z");
        assertThat(invocation.workflow()).isEqualTo("triage");
    }
}
