package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.chat.GuardedChatEndpoint;
import dev.switchboard.llm.chat.OpenAiChatEndpoint;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.sim.ModelSimulator.Fault;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.testing.StepTestKit;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classify step on the alias {@code chain: [primary, secondary]}, each model an OpenAI-compatible
 * simulator: every fall-through trigger moves the event to the next model, and an exhausted chain
 * sends it to review. Accounting matches what the simulators counted.
 */
class ModelChainIT {

    private static final String LABELS = """
            labels:
              billing: Invoices and payments
              bug: Something is broken
              other: Anything else
            """;

    @TempDir
    Path dir;

    private ModelSimulator primary;
    private ModelSimulator secondary;
    private ModelRegistry models;

    @BeforeEach
    void start() {
        primary = ModelSimulator.start();
        secondary = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.95));
    }

    @AfterEach
    void stop() {
        if (models != null) {
            models.close();
        }
        primary.close();
        secondary.close();
    }

    private ModelRegistry registry(ModelDefinition.Builder primaryDefinition) {
        ModelDefinition first = primaryDefinition.baseUrl(primary.baseUrl()).model("primary-model").prices(1.0, 2.0).build();
        ModelDefinition second = ModelDefinition.builder().baseUrl(secondary.baseUrl()).model("secondary-model").retries(0)
                .pricePerSecond(0.01).build();
        Map<String, ModelDefinition> definitions = new LinkedHashMap<>();
        definitions.put("primary", first);
        definitions.put("secondary", second);
        models = new ModelRegistry(definitions, Map.of("chain", List.of("primary", "secondary")));
        models.endpoint("primary", new GuardedChatEndpoint(new OpenAiChatEndpoint("primary", first), Duration.ofMillis(10)));
        models.endpoint("secondary", new GuardedChatEndpoint(new OpenAiChatEndpoint("secondary", second), Duration.ofMillis(10)));
        return models;
    }

    private Step classify(String model, Double minConfidence) {
        return StepTestKit.create(new ClassifyStepFactory(), "triage", LABELS + """
                input: "{{ event.data.body }}"
                model: %s
                cache: "off"
                injection: "off"
                """.formatted(model) + (minConfidence == null ? "" : "min_confidence: " + minConfidence), environment());
    }

    private StepTestKit.Environment environment() {
        return StepTestKit.environment().withBaseDir(dir).withService(models);
    }

    private static StepInvocation event(String id, String text) {
        return StepTestKit.invocation().workflow("wf").eventId(id).data("body", text).build();
    }

    private StepOutcome run(Step step, String text) {
        return StepTestKit.run(step, event("e-" + text.hashCode(), text));
    }

    @Test
    void should_fall_through_to_the_next_model_when_the_primary_fails_with_5xx() {
        // given
        registry(ModelDefinition.builder().retries(1));
        primary.faultAlways(Fault.serverError());

        // when
        StepOutcome outcome = run(classify("chain", null), "The export crashes");

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        StepOutcome.Completed completed = (StepOutcome.Completed) outcome;
        assertThat(completed.output()).containsEntry("model", "secondary").containsEntry("label", "bug").containsEntry("fallbacks", 1);
        assertThat(primary.requestCount()).isEqualTo(2); // one retry, then the chain moved on
        assertThat(completed.calls()).extracting(ModelCall::provider, ModelCall::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "error"), org.assertj.core.groups.Tuple.tuple("primary", "error"),
                        org.assertj.core.groups.Tuple.tuple("secondary", "ok"));
    }

    @Test
    void should_honour_retry_after_then_fall_through_when_the_primary_is_rate_limited() {
        // given
        registry(ModelDefinition.builder().retries(1));
        primary.faultAlways(Fault.rateLimited(Duration.ofSeconds(1)));
        long started = System.nanoTime();

        // when
        StepOutcome outcome = run(classify("chain", null), "Where is my invoice?");

        // then the retry waited for Retry-After, not the 10 ms backoff
        assertThat((System.nanoTime() - started) / 1e6).isGreaterThanOrEqualTo(950);
        assertThat(primary.statusCount(429)).isEqualTo(2);
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("model", "secondary");
    }

    @Test
    void should_fall_through_when_the_primary_times_out() {
        // given
        registry(ModelDefinition.builder().retries(0).timeoutSeconds(1));
        primary.faultAlways(Fault.hang(Duration.ofSeconds(5)));

        // when
        StepOutcome outcome = run(classify("chain", null), "The page is blank");

        // then
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("model", "secondary");
        assertThat(outcome.calls().get(0).latencyMillis()).isBetween(900.0, 4000.0);
    }

    @Test
    void should_not_call_the_primary_when_its_circuit_is_open() {
        // given a circuit that opens after two failed calls
        registry(ModelDefinition.builder().retries(0).circuit(2, 60));
        primary.faultAlways(Fault.serverError());
        Step step = classify("chain", null);
        run(step, "first");
        run(step, "second");
        long before = primary.requestCount();

        // when
        StepOutcome outcome = run(step, "third");

        // then
        assertThat(primary.requestCount()).isEqualTo(before);
        assertThat(outcome.calls()).extracting(ModelCall::outcome).startsWith("circuit_open");
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("model", "secondary");
    }

    @Test
    void should_accept_the_repaired_answer_when_the_model_corrects_itself() {
        // given a primary whose first answer is outside the labels
        registry(ModelDefinition.builder().retries(0));
        primary.faultFirst(1, Fault.offSchema("refund")).answers(request -> ModelSimulator.answer("billing", 0.9));

        // when
        StepOutcome outcome = run(classify("chain", null), "I was charged twice");

        // then the repair turn showed the model its error, and its second answer counts
        StepOutcome.Completed completed = (StepOutcome.Completed) outcome;
        assertThat(completed.output()).containsEntry("model", "primary").containsEntry("label", "billing");
        assertThat(primary.requests()).hasSize(2);
        assertThat(primary.requests().get(1).user()).contains("invalid").contains("refund");
        assertThat(primary.requests().get(1).messages()).extracting(ModelSimulator.Message::role).contains("assistant");
        assertThat(completed.calls()).extracting(call -> call.parameters().containsKey("repair")).containsExactly(false, true);
    }

    @Test
    void should_fall_through_when_the_answer_stays_invalid_after_the_repair() {
        // given
        registry(ModelDefinition.builder().retries(0));
        primary.faultAlways(Fault.offSchema("refund"));

        // when
        StepOutcome outcome = run(classify("chain", null), "Refund please");

        // then
        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("model", "secondary");
        assertThat(outcome.calls()).extracting(ModelCall::outcome).startsWith("ok", "invalid_output");
    }

    @Test
    void should_fall_through_on_low_confidence_and_review_when_every_model_is_unsure() {
        // given
        registry(ModelDefinition.builder().retries(0));
        primary.answers(request -> ModelSimulator.answer("billing", 0.4));

        // when the secondary is sure enough
        StepOutcome sure = run(classify("chain", 0.7), "My card was declined");
        // and when it is not either
        secondary.answers(request -> ModelSimulator.answer("bug", 0.5));
        StepOutcome unsure = run(classify("chain", 0.7), "Something odd");

        // then
        assertThat(((StepOutcome.Completed) sure).output()).containsEntry("model", "secondary").containsEntry("label", "bug");
        assertThat(unsure).isInstanceOf(StepOutcome.Review.class);
        StepOutcome.Review review = (StepOutcome.Review) unsure;
        assertThat(review.reason()).contains("min_confidence");
        assertThat(review.candidates()).extracting(c -> c.get("model"), c -> c.get("outcome"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "low_confidence"),
                        org.assertj.core.groups.Tuple.tuple("secondary", "low_confidence"));
        assertThat(review.candidates().get(0).get("output")).isEqualTo(Map.of("label", "billing", "confidence", 0.4));
    }

    @Test
    void should_send_the_event_to_review_when_every_model_of_the_chain_fails() {
        // given
        registry(ModelDefinition.builder().retries(0));
        primary.faultAlways(Fault.serverError());
        secondary.faultAlways(Fault.malformedJson());

        // when
        StepOutcome outcome = run(classify("chain", null), "Help");

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Review.class);
        assertThat(((StepOutcome.Review) outcome).candidates()).extracting(c -> c.get("outcome")).containsExactly("error", "invalid_output");
        assertThat(outcome.calls()).hasSize(3); // primary once, secondary with its repair
    }

    @Test
    void should_fail_as_before_when_a_single_model_fails() {
        // given a step that names one model, not an alias
        registry(ModelDefinition.builder().retries(0));
        primary.faultAlways(Fault.offSchema("refund"));

        // when
        StepOutcome outcome = run(classify("primary", null), "Refund please");

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
        assertThat(((StepOutcome.Failed) outcome).retriable()).isFalse();
        assertThat(((StepOutcome.Failed) outcome).reason()).contains("'refund'").contains("after one repair");
    }

    @Test
    void should_account_tokens_and_cost_as_the_simulators_counted_them() {
        // given
        registry(ModelDefinition.builder().retries(0));
        primary.faultFirst(1, Fault.offSchema("refund"));
        Step step = classify("chain", null);

        // when
        List<StepOutcome> outcomes = step.run(List.of(event("a", "one"), event("b", "two")));

        // then
        List<ModelCall> calls = outcomes.stream().flatMap(outcome -> ((StepOutcome.Completed) outcome).calls().stream()).toList();
        long simulatedIn = primary.exchanges().stream().mapToLong(ModelSimulator.Exchange::promptTokens).sum();
        long simulatedOut = primary.exchanges().stream().mapToLong(ModelSimulator.Exchange::completionTokens).sum();
        assertThat(calls.stream().mapToLong(ModelCall::tokensIn).sum()).isEqualTo(simulatedIn).isPositive();
        assertThat(calls.stream().mapToLong(ModelCall::tokensOut).sum()).isEqualTo(simulatedOut).isPositive();
        assertThat(calls.stream().mapToDouble(ModelCall::costUsd).sum()).isCloseTo((simulatedIn * 1.0 + simulatedOut * 2.0) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.promptId()).isEqualTo("classify/triage");
            assertThat(call.promptVersion()).startsWith("pv-");
        });
        assertThat(models.budgets().spentToday("wf")).isPositive();
    }

    @Test
    void should_answer_from_the_cache_when_the_same_input_comes_again() {
        // given
        registry(ModelDefinition.builder().retries(0));
        Step step = StepTestKit.create(new ClassifyStepFactory(), "triage", LABELS + """
                input: "{{ event.data.body }}"
                model: primary
                cache: workflow
                cache_ttl_seconds: 60
                injection: "off"
                """, environment());

        // when the same text comes twice, the second time with other whitespace
        run(step, "The   app crashes");
        StepOutcome again = run(step, "The app\ncrashes ");

        // then
        assertThat(primary.requestCount()).isEqualTo(1);
        ModelCall hit = ((StepOutcome.Completed) again).calls().get(0);
        assertThat(hit.cacheHit()).isTrue();
        assertThat(hit.costUsd()).isZero();
        assertThat(models.cache().hits()).isEqualTo(1);
    }
}
