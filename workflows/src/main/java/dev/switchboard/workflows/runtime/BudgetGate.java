package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.Budgets;
import dev.switchboard.workflows.model.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a workflow whose daily budget is spent and says {@code on_exceed: pause}: its route stops
 * taking events, which wait in Kafka uncommitted, and starts again at 00:00 UTC, when the day's spend
 * starts from zero. ({@code on_exceed: fallback} needs nothing here: model steps ask the budgets for
 * their model.) The route asks {@link #admits} before each batch and calls {@link #afterBatch} after
 * it; routes are stopped and started on the gate's own thread, never on a route's.
 */
public final class BudgetGate implements AutoCloseable {

    /** Stops and starts a workflow's route; offsets stay where they were committed. */
    public interface Routes {
        void stop(String workflow);

        void start(String workflow);
    }

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);
    /** How long to wait again when the timer fires a little before the clock reaches the new day. */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final Budgets budgets;
    private final Clock clock;
    private final Routes routes;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "switchboard-budget-gate");
        thread.setDaemon(true);
        return thread;
    });

    public BudgetGate(Budgets budgets, Clock clock, Routes routes) {
        this.budgets = budgets;
        this.clock = clock;
        this.routes = routes;
    }

    /** Tells the budgets about the workflow's {@code budget:}; without one, it is only accounted. */
    public void register(Workflow workflow) {
        budgets.register(workflow.name(), workflow.budget());
    }

    /** Whether the workflow may process a batch now. A held one may not: the batch is neither processed nor committed. */
    public boolean admits(String workflow) {
        if (held.contains(workflow)) {
            return false;
        }
        if (budgets.state(workflow) == Budgets.State.PAUSED) {
            hold(workflow);
            return false;
        }
        return true;
    }

    /** After a batch: a batch that spent the last of the budget stops the route before the next one. */
    public void afterBatch(String workflow) {
        if (!held.contains(workflow) && budgets.state(workflow) == Budgets.State.PAUSED) {
            hold(workflow);
        }
    }

    /** Whether the workflow is stopped by its budget now. */
    public boolean held(String workflow) {
        return held.contains(workflow);
    }

    /**
     * A person resumes a held workflow (admin API): its route starts and it takes events again; the budget is
     * checked again at its next batch. Runs after a stop still queued, so the route ends up started.
     */
    public void release(String workflow) {
        try {
            timer.submit(() -> {
                if (held.remove(workflow)) {
                    routes.start(workflow);
                }
            }).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot resume " + workflow + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Resuming " + workflow + " took over a minute", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while resuming " + workflow, e);
        }
    }

    private void hold(String workflow) {
        if (!held.add(workflow)) {
            return;
        }
        Duration wait = untilMidnight();
        LOG.info("Workflow '{}' is paused by its budget (${} spent today): it takes no events until 00:00 UTC ({}); they wait in Kafka",
                workflow, String.format("%.4f", budgets.spentToday(workflow)), clock.instant().plus(wait));
        timer.execute(() -> routes.stop(workflow));
        timer.schedule(() -> reopen(workflow), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reopen(String workflow) {
        if (!held.contains(workflow)) {
            return; // resumed by hand meanwhile
        }
        if (budgets.state(workflow) == Budgets.State.PAUSED) {
            // the timer fired before the clock reached the new day
            timer.schedule(() -> reopen(workflow), Math.max(RECHECK.toMillis(), untilMidnight().toMillis()), TimeUnit.MILLISECONDS);
            return;
        }
        held.remove(workflow);
        routes.start(workflow);
        LOG.info("Workflow '{}' takes events again: a new UTC day, a new budget", workflow);
    }

    Duration untilMidnight() {
        ZonedDateTime now = clock.instant().atZone(ZoneOffset.UTC);
        return Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
