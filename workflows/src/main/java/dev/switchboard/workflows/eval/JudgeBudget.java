package dev.switchboard.workflows.eval;

import dev.switchboard.llm.Budgets;
import java.util.Locale;

/**
 * What a judge may spend. Its calls are charged to the evaluated workflow's account of the models' {@link Budgets}, the account
 * the evaluated step's calls of the same run are charged to, and held against the workflow's {@code budget.daily_usd}. A judge
 * has no fallback model, so a call that could pass the budget (what the run has spent plus the call's most cost: its input and
 * {@code max_tokens} out at the judge's prices) is not made: the judge stops with {@link Spent}. Without a {@code budget:}
 * the calls are only accounted.
 *
 * @param budgets  the models' budgets, whose account of {@code workflow} the step's calls are charged to
 * @param workflow the evaluated workflow's name
 * @param budget   its {@code budget:}, or null
 * @param file     the workflow file, for the message
 */
public record JudgeBudget(Budgets budgets, String workflow, Budgets.Options budget, String file) {

    /** The judge stopped before a call that could pass the workflow's budget; nothing more was spent. */
    public static final class Spent extends IllegalStateException {

        Spent(String message) {
            super(message);
        }
    }

    /** Lets a call costing at most {@code mostUsd} go ahead, or stops the judge. */
    void admit(String judge, int row, double mostUsd) {
        if (budget == null || budget.dailyUsd() == null) {
            return;
        }
        double spent = budgets.spentToday(workflow);
        if (spent + mostUsd > budget.dailyUsd()) {
            throw new Spent(String.format(Locale.ROOT, "Judge '%s' at budget.daily_usd of %s: got '$%.4f spent by this run (the step's calls "
                    + "and the judge's) and up to $%.4f for the judge's call of row %d', expected at most $%s in all. Raise "
                    + "budget.daily_usd, grade fewer rows (--limit, --sample) or name a cheaper judge (--judge); the judge stopped "
                    + "before that call", judge, file, spent, mostUsd, row, budget.dailyUsd()));
        }
    }

    /** Charges one call (one attempt) to the workflow's account. */
    void record(double costUsd) {
        budgets.record(workflow, costUsd);
    }
}
