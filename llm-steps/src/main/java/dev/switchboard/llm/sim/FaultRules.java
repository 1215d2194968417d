package dev.switchboard.llm.sim;

import dev.switchboard.llm.sim.ModelSimulator.Fault;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/** Which requests misbehave, and how: rules in the order given, each counting the requests that reach it. */
final class FaultRules {

    private record Rule(Fault fault, Predicate<ModelSimulator.Request> matches, LongPredicate applies, AtomicLong seen) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** @param applies told how many requests reached the rule, this one included */
    void add(Fault fault, LongPredicate applies) {
        add(fault, request -> true, applies);
    }

    /** @param matches which requests reach the rule at all (and count) */
    void add(Fault fault, Predicate<ModelSimulator.Request> matches, LongPredicate applies) {
        rules.add(new Rule(Objects.requireNonNull(fault, "fault"), matches, applies, new AtomicLong()));
    }

    void clear() {
        rules.clear();
    }

    /** The fault of the first rule that applies to this request, or null; every rule it reaches counts it. */
    Fault pick(ModelSimulator.Request request) {
        for (Rule rule : rules) {
            if (rule.matches().test(request) && rule.applies().test(rule.seen().incrementAndGet())) {
                return rule.fault();
            }
        }
        return null;
    }
}
