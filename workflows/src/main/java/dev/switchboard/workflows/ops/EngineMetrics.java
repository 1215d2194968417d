package dev.switchboard.workflows.ops;

import dev.switchboard.llm.Budgets;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.workflows.runtime.RunObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Switchboard's metrics, as Micrometer meters exported in the Prometheus text format at
 * {@code /metrics}. Every name is listed in docs/metrics.md; a test scrapes them after a run.
 */
public final class EngineMetrics implements RunObserver, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public EngineMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** A gauge read from {@code source} when scraped. */
    public <T> void gauge(String name, String description, Map<String, String> tags, T source, ToDoubleFunction<T> value) {
        Gauge.Builder<T> builder = Gauge.builder(name, source, value).description(description);
        tags.forEach(builder::tag);
        builder.register(registry);
    }

    /**
     * The workflow's model spend today (UTC) and its budget state: {@code switchboard_budget_spent_usd{workflow}} and
     * {@code switchboard_budget_state{workflow,state}}, 1 for the state it is in (within, fallback, paused) and 0 for the others.
     */
    public void budget(String workflow, Budgets budgets) {
        gauge("switchboard.budget.spent.usd", "Model spend of a workflow today (UTC days), in US dollars", Map.of("workflow", workflow),
                budgets, b -> b.spentToday(workflow));
        for (Budgets.State state : Budgets.State.values()) {
            gauge("switchboard.budget.state", "1 for the budget state a workflow is in today, 0 for the others",
                    Map.of("workflow", workflow, "state", state.name().toLowerCase(java.util.Locale.ROOT)),
                    budgets, b -> b.state(workflow) == state ? 1 : 0);
        }
    }

    @Override
    public void batch(String workflow, int events, int skipped, int tasks, int deadLetters, int reviews) {
        count("switchboard.workflow.events", "Events a workflow processed, by outcome", workflow, "processed", events);
        count("switchboard.workflow.events", "Events a workflow processed, by outcome", workflow, "skipped", skipped);
        count("switchboard.workflow.events", "Events a workflow processed, by outcome", workflow, "dead_lettered", deadLetters);
        count("switchboard.workflow.events", "Events a workflow processed, by outcome", workflow, "review", reviews);
        Counter.builder("switchboard.workflow.tasks").description("Tasks a workflow wrote to the outbox")
                .tag("workflow", workflow).register(registry).increment(tasks);
        Counter.builder("switchboard.dead.letters").description("Records sent to the dead-letter topic, by stage")
                .tag("stage", "workflow:" + workflow).register(registry).increment(deadLetters);
    }

    private void count(String name, String description, String workflow, String outcome, int amount) {
        Counter.builder(name).description(description).tag("workflow", workflow).tag("outcome", outcome)
                .register(registry).increment(amount);
    }

    @Override
    public void step(String workflow, String step, String type, int events, long nanos, int completed, int failed, int retried) {
        Timer.builder("switchboard.step.duration").description("Time a step took for one batch")
                .tag("workflow", workflow).tag("step", step).tag("type", type)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        stepEvents(workflow, step, type, "completed", completed);
        stepEvents(workflow, step, type, "failed", failed);
        stepEvents(workflow, step, type, "retried", retried);
    }

    private void stepEvents(String workflow, String step, String type, String outcome, int amount) {
        Counter.builder("switchboard.step.events").description("Events through a step, by outcome")
                .tag("workflow", workflow).tag("step", step).tag("type", type).tag("outcome", outcome)
                .register(registry).increment(amount);
    }

    @Override
    public void modelCall(String workflow, String step, ModelCall call) {
        String provider = call.provider();
        String model = call.model() == null ? "" : call.model();
        Counter.builder("switchboard.model.calls").description("Model calls, by outcome")
                .tag("provider", provider).tag("model", model).tag("outcome", call.outcome())
                .register(registry).increment();
        Counter.builder("switchboard.model.tokens").description("Tokens sent to and received from models")
                .tag("provider", provider).tag("model", model).tag("direction", "in")
                .register(registry).increment(call.tokensIn());
        Counter.builder("switchboard.model.tokens").description("Tokens sent to and received from models")
                .tag("provider", provider).tag("model", model).tag("direction", "out")
                .register(registry).increment(call.tokensOut());
        Counter.builder("switchboard.model.cost.usd").description("Model cost in US dollars")
                .tag("provider", provider).tag("model", model).tag("workflow", workflow)
                .register(registry).increment(call.costUsd());
        if (call.cacheHit()) {
            Counter.builder("switchboard.model.cache.hits").description("Model answers served from the cache")
                    .tag("provider", provider).tag("model", model).register(registry).increment();
        }
        DistributionSummary.builder("switchboard.model.latency.ms").description("Model call latency in milliseconds")
                .tag("provider", provider).tag("model", model).publishPercentiles(0.5, 0.95, 0.99)
                .register(registry).record(call.latencyMillis());
    }

    @Override
    public void reviewOutcome(String workflow, String step, String model, String outcome) {
        Counter.builder("switchboard.review.outcomes").description("Held events a person decided: approved unchanged, corrected or rejected")
                .tag("workflow", workflow).tag("step", step).tag("model", model).tag("outcome", outcome)
                .register(registry).increment();
    }

    @Override
    public void deliveryAttempt(String sink, String outcome, long nanos) {
        Timer.builder("switchboard.delivery.attempts").description("Delivery attempts, by outcome")
                .tag("sink", sink).tag("outcome", outcome)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void delivery(String sink, String outcome) {
        Counter.builder("switchboard.delivery.tasks").description("Tasks whose delivery ended, by outcome")
                .tag("sink", sink).tag("outcome", outcome).register(registry).increment();
        if (outcome.equals("dead_lettered")) {
            Counter.builder("switchboard.dead.letters").description("Records sent to the dead-letter topic, by stage")
                    .tag("stage", "delivery").register(registry).increment();
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
