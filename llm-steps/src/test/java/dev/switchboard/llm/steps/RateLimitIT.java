package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's requests_per_minute and tokens_per_minute hold for the endpoint as a whole: two
 * workflows whose classify steps use the same model at the same time share its pace. The pace is
 * read from the simulator's arrival times.
 */
class RateLimitIT {

    @TempDir
    Path dir;

    private ModelSimulator simulator;
    private ModelRegistry models;

    @BeforeEach
    void start() {
        simulator = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.9));
    }

    @AfterEach
    void stop() {
        if (models != null) {
            models.close();
        }
        simulator.close();
    }

    @Test
    void should_pace_requests_evenly_across_workflows_when_the_model_has_requests_per_minute() {
        // given one model at 120 requests a minute (one every 500 ms), used by two workflows
        registry(ModelDefinition.builder().requestsPerMinute(120));

        // when each workflow classifies three events at the same time
        runTwoWorkflows();

        // then six calls arrive one every half second or so: about 2.5 s from first to last, never two at once
        List<ModelSimulator.Request> requests = arrivals();
        assertThat(requests).hasSize(6);
        assertThat(requests).extracting(request -> request.user().contains("wf-a") ? "wf-a" : "wf-b").contains("wf-a", "wf-b");
        for (int i = 1; i < requests.size(); i++) {
            assertThat(millisBetween(requests.get(i - 1), requests.get(i))).as("gap before call %d", i).isGreaterThan(350);
        }
        assertThat(millisBetween(requests.get(0), requests.get(5))).isBetween(2300.0, 6000.0);
    }

    @Test
    void should_admit_no_more_tokens_than_the_pace_allows_across_workflows_when_the_model_has_tokens_per_minute() {
        // given one model at 15,000 tokens a minute (250 a second), used by two workflows
        int perSecond = 250;
        registry(ModelDefinition.builder().tokensPerMinute(perSecond * 60));

        // when each workflow classifies three events at the same time
        runTwoWorkflows();

        // then the tokens each call is charged (its estimated input plus max_tokens) arrive at no more than
        // 250 a second, give or take the first second's allowance and the second a call may start in
        List<ModelSimulator.Request> requests = arrivals();
        assertThat(requests).hasSize(6);
        long admitted = 0;
        for (ModelSimulator.Request request : requests) {
            admitted += charged(request);
            double seconds = millisBetween(requests.get(0), request) / 1000;
            assertThat(admitted).as("tokens admitted by %.2f s", seconds).isLessThanOrEqualTo((long) (perSecond * (seconds + 2)));
        }
        assertThat(admitted).as("six calls need several seconds' worth").isGreaterThan(3L * perSecond);
        assertThat(millisBetween(requests.get(0), requests.get(5)) / 1000).isGreaterThanOrEqualTo((admitted - 2.0 * perSecond) / perSecond);
    }

    private void registry(ModelDefinition.Builder definition) {
        models = new ModelRegistry(Map.of("shared", definition.baseUrl(simulator.baseUrl()).model("shared-model").retries(0)
                .maxTokens(64).timeoutSeconds(30).build()));
    }

    private void runTwoWorkflows() {
        Step first = classify("triage-a");
        Step second = classify("triage-b");
        CompletableFuture<List<StepOutcome>> a = CompletableFuture.supplyAsync(() -> first.run(events("wf-a")));
        CompletableFuture<List<StepOutcome>> b = CompletableFuture.supplyAsync(() -> second.run(events("wf-b")));
        List<StepOutcome> outcomes = new ArrayList<>(a.join());
        outcomes.addAll(b.join());
        assertThat(outcomes).hasSize(6).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(StepOutcome.Completed.class));
    }

    private Step classify(String stepId) {
        return StepTestKit.create(new ClassifyStepFactory(), stepId, """
                input: "{{ event.data.body }}"
                labels:
                  billing: Invoices and payments
                  bug: Something is broken
                model: shared
                cache: "off"
                injection: "off"
                """, StepTestKit.environment().withBaseDir(dir).withService(models));
    }

    private static List<StepInvocation> events(String workflow) {
        List<StepInvocation> events = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            events.add(StepTestKit.invocation().workflow(workflow).eventId(workflow + "-" + i)
                    .data("body", "Ticket " + i + " of " + workflow + ": the export crashes").build());
        }
        return events;
    }

    private List<ModelSimulator.Request> arrivals() {
        return simulator.requests().stream().sorted(Comparator.comparingLong(ModelSimulator.Request::receivedNanos)).toList();
    }

    /** What the token limiter charges a call: its input estimated at four characters a token, plus max_tokens. */
    private static long charged(ModelSimulator.Request request) {
        long chars = request.messages().stream().mapToLong(message -> message.content().length()).sum();
        return chars / 4 + 1 + request.maxTokens();
    }

    private static double millisBetween(ModelSimulator.Request from, ModelSimulator.Request to) {
        return (to.receivedNanos() - from.receivedNanos()) / 1e6;
    }
}
