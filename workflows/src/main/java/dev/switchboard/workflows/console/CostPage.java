package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /console/cost}: model spend since the engine started, by workflow and model, from the engine's
 * own meters; each workflow's spend today (UTC) and its budget state.
 */
public final class CostPage implements ConsolePage {

    private static final int SMALL = 64 * 1024;

    /** One workflow's spend today and the budget state it is in. */
    public record Budget(String workflow, String spentToday, String state) {
    }

    /** Spend of one model for one workflow since the engine started. */
    public record Spend(String workflow, String model, String costUsd) {
    }

    /** One model's calls, tokens and cache hits since the engine started. */
    public record ModelUse(String model, long calls, long tokensIn, long tokensOut, long cacheHits) {
    }

    private final MeterRegistry registry;

    public CostPage(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/cost", SMALL, console.page(Role.VIEWER, (request, session) ->
                console.render(request, session, "cost", null, Map.of("budgets", budgets(), "spends", spends(), "models", models()))));
    }

    private List<Budget> budgets() {
        Map<String, String> states = new TreeMap<>();
        for (Gauge gauge : registry.find("switchboard.budget.state").gauges()) {
            if (gauge.value() == 1) {
                states.put(gauge.getId().getTag("workflow"), gauge.getId().getTag("state"));
            }
        }
        List<Budget> budgets = new ArrayList<>();
        for (Gauge gauge : registry.find("switchboard.budget.spent.usd").gauges()) {
            String workflow = gauge.getId().getTag("workflow");
            budgets.add(new Budget(workflow, dollars(gauge.value()), states.getOrDefault(workflow, "within")));
        }
        budgets.sort(java.util.Comparator.comparing(Budget::workflow));
        return budgets;
    }

    private List<Spend> spends() {
        List<Spend> spends = new ArrayList<>();
        for (Counter counter : registry.find("switchboard.model.cost.usd").counters()) {
            spends.add(new Spend(counter.getId().getTag("workflow"), model(counter), dollars(counter.count())));
        }
        spends.sort(java.util.Comparator.comparing(Spend::workflow).thenComparing(Spend::model));
        return spends;
    }

    private List<ModelUse> models() {
        Map<String, long[]> use = new TreeMap<>();
        registry.find("switchboard.model.calls").counters().forEach(c -> use.computeIfAbsent(model(c), k -> new long[4])[0] += (long) c.count());
        registry.find("switchboard.model.tokens").counters().forEach(c -> use.computeIfAbsent(model(c), k -> new long[4])
                ["in".equals(c.getId().getTag("direction")) ? 1 : 2] += (long) c.count());
        registry.find("switchboard.model.cache.hits").counters().forEach(c -> use.computeIfAbsent(model(c), k -> new long[4])[3] += (long) c.count());
        return use.entrySet().stream().map(e -> new ModelUse(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]))
                .toList();
    }

    private static String model(Counter counter) {
        return counter.getId().getTag("provider") + "/" + counter.getId().getTag("model");
    }

    private static String dollars(double value) {
        return String.format(java.util.Locale.ROOT, "$%.4f", value);
    }
}
