package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What one event does to a model step fails that event alone: an empty input, or a throw while it is asked. */
class ModelStepEventFailuresIT {

    private ModelSimulator simulator;
    private ModelRegistry models;
    /** The threads the step prepared its events on. */
    private final Set<Thread> preparedOn = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() {
        simulator = ModelSimulator.start();
        models = new ModelRegistry(Map.of("sim", ModelDefinition.builder().baseUrl(simulator.baseUrl()).model("sim-model").retries(0).build()));
    }

    @AfterEach
    void stop() {
        models.close();
        simulator.close();
    }

    /** A summarize step whose preparation throws for a text that holds "boom", as a step with a bug would. */
    private ModelStep step() {
        SummarizeStepFactory.Options options = StepTestKit.options(SummarizeStepFactory.Options.class, """
                input: "Subject: {{ event.data.subject }}"
                model: sim
                cache: "off"
                injection: "off"
                """);
        return new ModelStep(new ModelStep.Setup(models, "summarize", "notes", options), "test") {
            @Override
            protected Prepared prepare(String text, StepInvocation invocation) {
                preparedOn.add(Thread.currentThread());
                if (text.contains("boom")) {
                    throw new IllegalStateException("cannot prepare " + invocation.eventId());
                }
                return ask("Summarize.", "summary", schema().addProperty("summary", JsonStringSchema.builder().build()).required("summary").build(),
                        text, json -> null, (JsonNode json) -> Verdict.ok(Map.of("summary", json.path("summary").asText()), null));
            }
        };
    }

    private static StepInvocation event(String id, String subject) {
        return StepTestKit.invocation().eventId(id).data("subject", subject).build();
    }

    @Test
    void should_fail_only_the_event_that_throws_or_has_no_input_when_the_others_are_fine() {
        // given
        ModelStep step = step();

        // when
        List<StepOutcome> outcomes = step.run(List.of(event("e1", "Printer jam"), event("e2", "boom"), event("e3", " "), event("e4", "Refund")));

        // then the two good ones are answered, the one that throws fails retriably, the empty one at once and for good
        assertThat(outcomes.get(0)).isInstanceOf(StepOutcome.Completed.class);
        assertThat(outcomes.get(3)).isInstanceOf(StepOutcome.Completed.class);
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isTrue();
            assertThat(failed.reason()).startsWith("it threw IllegalStateException: cannot prepare e2. The step has a bug");
        });
        assertThat(outcomes.get(2)).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).isEqualTo("Empty input at steps.notes.input: got 'Subject:' from \"Subject: {{ event.data.subject }}\","
                    + " expected some text to summarize. Send events that carry it, or skip the others with when: on this step or on.filter"
                    + " on the workflow");
        });
        assertThat(simulator.requestCount()).isEqualTo(2);
    }

    @Test
    void should_ask_a_lone_event_on_the_calling_thread_and_fail_it_alone_when_it_throws() {
        // given
        ModelStep step = step();

        // when batches of one event run, a good one and one that throws
        StepOutcome good = step.run(List.of(event("e1", "Printer jam"))).get(0);
        StepOutcome thrown = step.run(List.of(event("e2", "boom"))).get(0);

        // then both were prepared here, with no hand-off to another thread, and the throw fails its event as in a batch
        assertThat(good).isInstanceOf(StepOutcome.Completed.class);
        assertThat(preparedOn).containsExactly(Thread.currentThread());
        assertThat(thrown).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isTrue();
            assertThat(failed.reason()).startsWith("it threw IllegalStateException: cannot prepare e2. The step has a bug");
        });
    }
}
