package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.workflows.explain.DailySpend;
import dev.switchboard.workflows.ops.EngineView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /console/cost}: each workflow's spend today (UTC), its daily budget and budget state; spend per
 * day, workflow and model over the last seven days, read back from the audit topic ({@link DailySpend});
 * and spend and model use since the engine started, from the engine's own meters.
 */
public final class CostPage implements ConsolePage {

    private static final Logger LOG = LoggerFactory.getLogger(CostPage.class);
    private static final int SMALL = 64 * 1024;

    /** One workflow's spend today, its daily budget ({@code none} without one) and the budget state it is in. */
    public record Budget(String workflow, String spentToday, String dailyBudget, String state) {
    }

    /** One day's spend of one model in one workflow, from the audit topic. */
    public record Day(String day, String workflow, String model, long calls, long tokensIn, long tokensOut, String costUsd) {
    }

    static final int DAYS = 7;

    /** Spend of one model for one workflow since the engine started. */
    public record Spend(String workflow, String model, String costUsd) {
    }

    /** One model's calls, tokens and cache hits since the engine started. */
    public record ModelUse(String model, long calls, long tokensIn, long tokensOut, long cacheHits) {
    }

    private final MeterRegistry registry;
    private final EngineView engine;
    private final Clock clock;

    public CostPage(MeterRegistry registry, EngineView engine, Clock clock) {
        this.registry = registry;
        this.engine = engine;
        this.clock = clock;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/cost", SMALL, console.page(Role.VIEWER, (request, session) -> {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("budgets", budgets());
            model.put("spends", spends());
            model.put("models", models());
            model.put("daysMessage", "");
            model.put("days", List.of());
            try {
                DailySpend.Result read = DailySpend.read(engine.bootstrapServers(), engine.clientProperties(), engine.topics().audit(), DAYS,
                        clock);
                model.put("days", read.rows().stream().map(r -> new Day(r.day().toString(), r.workflow(), r.model(), r.calls(), r.tokensIn(),
                        r.tokensOut(), dollars(r.costUsd()))).toList());
                if (!read.complete()) {
                    model.put("daysMessage", "Only the first " + DailySpend.MAX_CALLS + " model calls of the last " + DAYS
                            + " days were read: the oldest days shown are short");
                }
            } catch (RuntimeException e) {
                LOG.warn("Console: could not read the audit topic {}: {}", engine.topics().audit(), e.toString());
                model.put("daysMessage", "The audit topic " + engine.topics().audit() + " could not be read (" + e.getMessage()
                        + "); the figures below are the engine's own");
            }
            return console.render(request, session, "cost", null, model);
        }));
    }

    private List<Budget> budgets() {
        Map<String, String> states = new TreeMap<>();
        for (Gauge gauge : registry.find("switchboard.budget.state").gauges()) {
            if (gauge.value() == 1) {
                states.put(gauge.getId().getTag("workflow"), gauge.getId().getTag("state"));
            }
        }
        Map<String, String> limits = new TreeMap<>();
        engine.definitions().forEach(w -> limits.put(w.name(), w.budget() == null || w.budget().dailyUsd() == null ? "none"
                : String.format(java.util.Locale.ROOT, "$%.2f a day, then %s", w.budget().dailyUsd(),
                        w.budget().onExceed() == null ? "fallback" : w.budget().onExceed())));
        List<Budget> budgets = new ArrayList<>();
        for (Gauge gauge : registry.find("switchboard.budget.spent.usd").gauges()) {
            String workflow = gauge.getId().getTag("workflow");
            budgets.add(new Budget(workflow, dollars(gauge.value()), limits.getOrDefault(workflow, "none"),
                    states.getOrDefault(workflow, "within")));
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
