package dev.switchboard.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-workflow daily spend on models, in US dollars, and what happens when a workflow's budget is
 * spent: its steps switch to a cheaper model or alias ({@code fallback}), or the workflow stops
 * taking events until the next UTC day ({@code pause}). Days are UTC days. State changes are logged;
 * {@link #snapshot()} gives the figures to metrics.
 */
public final class Budgets {

    private static final Logger LOG = LoggerFactory.getLogger(Budgets.class);

    /** The {@code budget:} key of a workflow file. */
    public record Options(
            @Option(description = "US dollars the workflow may spend on model calls per UTC day.", required = true, minimum = 0)
            @JsonProperty("daily_usd") Double dailyUsd,
            @Option(description = "What happens once the day's budget is spent: `fallback` runs the steps on `fallback_model`, `pause` stops taking events until 00:00 UTC (nothing is lost: events wait in Kafka).",
                    defaultValue = "fallback", allowed = {"fallback", "pause"})
            @JsonProperty("on_exceed") String onExceed,
            @Option(description = "The model or alias every model step uses once the budget is spent (with `on_exceed: fallback`), e.g. a local model or `embedded`.", defaultValue = "embedded")
            @JsonProperty("fallback_model") String fallbackModel) {

        public boolean pauses() {
            return "pause".equals(onExceed);
        }
    }

    /** Where a workflow stands today. */
    public enum State { WITHIN, FALLBACK, PAUSED }

    private final Clock clock;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    public Budgets(Clock clock) {
        this.clock = clock;
    }

    public Budgets() {
        this(Clock.systemUTC());
    }

    /** Sets (or clears, with null) the budget of a workflow; spend so far today is kept. */
    public void register(String workflow, Options budget) {
        accounts.computeIfAbsent(workflow, name -> new Account()).budget = budget;
    }

    /** Adds the cost of one call to the workflow's spend today. */
    public void record(String workflow, double costUsd) {
        if (costUsd <= 0) {
            return;
        }
        Account account = accounts.computeIfAbsent(workflow, name -> new Account());
        synchronized (account) {
            rollOver(account);
            account.spent += costUsd;
        }
        state(workflow);
    }

    public State state(String workflow) {
        Account account = accounts.get(workflow);
        if (account == null) {
            return State.WITHIN;
        }
        State state;
        synchronized (account) {
            rollOver(account);
            Options budget = account.budget;
            state = budget == null || budget.dailyUsd() == null || account.spent < budget.dailyUsd() ? State.WITHIN
                    : budget.pauses() ? State.PAUSED : State.FALLBACK;
            if (state != account.logged) {
                log(workflow, account, state);
                account.logged = state;
            }
        }
        return state;
    }

    /** The model or alias a step calls, and the estimate held against the budget until {@link #release}. */
    public record Admission(String model, double reservedUsd) {
    }

    /**
     * The model or alias for one event's call, holding {@code estimateUsd} against the budget while the
     * call is in flight. Calls in flight count before their cost is known, so a flood of events that
     * start together cannot spend past the budget: once the spend plus what is in flight reaches it,
     * further events get the fallback. Under {@code pause} they keep the configured model (the route
     * stops taking events after the batch).
     */
    public Admission admit(String workflow, String configured, double estimateUsd) {
        Account account = accounts.get(workflow);
        Options budget = account == null ? null : account.budget;
        if (budget == null || budget.dailyUsd() == null) {
            return new Admission(configured, 0);
        }
        synchronized (account) {
            rollOver(account);
            if (account.spent + account.reserved < budget.dailyUsd()) {
                double held = Math.max(0, estimateUsd);
                account.reserved += held;
                return new Admission(configured, held);
            }
        }
        state(workflow);
        return new Admission(budget.pauses() ? configured : budget.fallbackModel(), 0);
    }

    /** Lets go of what {@link #admit} held, once the call's real cost is {@link #record recorded}. */
    public void release(String workflow, double reservedUsd) {
        Account account = accounts.get(workflow);
        if (account == null || reservedUsd <= 0) {
            return;
        }
        synchronized (account) {
            account.reserved = Math.max(0, account.reserved - reservedUsd);
        }
    }

    /** The model or alias to use instead of {@code configured}, given the workflow's state today. */
    public String modelFor(String workflow, String configured) {
        if (state(workflow) != State.FALLBACK) {
            return configured;
        }
        return accounts.get(workflow).budget.fallbackModel();
    }

    public double spentToday(String workflow) {
        Account account = accounts.get(workflow);
        if (account == null) {
            return 0;
        }
        synchronized (account) {
            rollOver(account);
            return account.spent;
        }
    }

    /** Per workflow: {@code spent_usd}, {@code daily_usd} (when budgeted) and {@code state}, for metrics. */
    public Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> figures = new LinkedHashMap<>();
        accounts.keySet().stream().sorted().forEach(workflow -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("spent_usd", spentToday(workflow));
            Options budget = accounts.get(workflow).budget;
            if (budget != null) {
                row.put("daily_usd", budget.dailyUsd());
            }
            row.put("state", state(workflow).name().toLowerCase(java.util.Locale.ROOT));
            figures.put(workflow, row);
        });
        return figures;
    }

    private void rollOver(Account account) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (!today.equals(account.day)) {
            account.day = today;
            account.spent = 0;
        }
    }

    private static void log(String workflow, Account account, State state) {
        Options budget = account.budget;
        switch (state) {
            case FALLBACK -> LOG.warn("Workflow '{}' spent ${} of its ${} daily budget; its model steps use '{}' until 00:00 UTC",
                    workflow, String.format("%.4f", account.spent), budget.dailyUsd(), budget.fallbackModel());
            case PAUSED -> LOG.warn("Workflow '{}' spent ${} of its ${} daily budget; it takes no events until 00:00 UTC (they wait in Kafka)",
                    workflow, String.format("%.4f", account.spent), budget.dailyUsd());
            case WITHIN -> {
                if (account.logged != null) {
                    LOG.info("Workflow '{}' is within its daily budget again", workflow);
                }
            }
        }
    }

    private static final class Account {
        volatile Options budget;
        LocalDate day;
        double spent;
        /** Estimates of calls in flight; not part of the day's spend. */
        double reserved;
        State logged = State.WITHIN;
    }
}
