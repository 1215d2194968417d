package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks an owner by the territories file: a named account's owner first, then the owner of the territory of
 * the account's region (by country) and segment (by head count), else the fallback owner. Deterministic, no
 * model: the same account always goes to the same person, and the output says why.
 */
public record TerritoryStep(TerritoryStepFactory.Options options, Territories territories) implements Step {

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(this::route).toList();
    }

    private StepOutcome route(StepInvocation invocation) {
        Optional<String> region = territories.region(invocation.render(options.country()));
        Optional<String> segment = headCount(invocation.render(options.employees())).flatMap(territories::segment);
        String named = options.namedAccount() == null ? "" : invocation.render(options.namedAccount()).strip();
        String accountOwner = options.accountOwner() == null ? "" : invocation.render(options.accountOwner()).strip();
        String owner;
        String routing;
        if (named.equalsIgnoreCase("true") && territories.owners().containsKey(accountOwner)) {
            owner = accountOwner;
            routing = "named account";
        } else if (region.isPresent() && segment.isPresent() && territories.territories().containsKey(region.get() + "/" + segment.get())) {
            owner = territories.territories().get(region.get() + "/" + segment.get());
            routing = "territory " + region.get() + "/" + segment.get();
        } else {
            owner = territories.fallback();
            routing = "fallback";
        }
        Territories.Owner who = territories.owners().get(owner);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("owner", owner);
        output.put("owner_name", who.name() == null ? owner : who.name());
        output.put("owner_email", who.email() == null ? "" : who.email());
        output.put("routing", routing);
        output.put("region", region.orElse(""));
        output.put("segment", segment.orElse(""));
        return StepOutcome.Completed.of(output);
    }

    /** A whole head count, from "42", "42.0" or nothing. */
    private static Optional<Long> headCount(String text) {
        try {
            double value = Double.parseDouble(text.strip());
            return value >= 0 && value == Math.rint(value) ? Optional.of((long) value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
