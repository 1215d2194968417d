package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.EngineConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds an {@link Engine}; secrets default to environment variables, tracing to {@code tracing:} of
 * the configuration (when {@code openTelemetry} is null), the clock to UTC.
 */
public record EngineBuilder(EngineConfig config, Function<String, Optional<String>> secrets, OpenTelemetry openTelemetry, Clock clock) {

    EngineBuilder(EngineConfig config) {
        this(config, name -> Optional.ofNullable(System.getenv(name)), null, Clock.systemUTC());
    }

    /** Looks up secrets by environment variable name (tests pass their own). */
    public EngineBuilder secrets(Function<String, Optional<String>> lookup) {
        return new EngineBuilder(config, lookup, openTelemetry, clock);
    }

    /** Where spans go (tests pass an in-memory SDK); closed with the engine. */
    public EngineBuilder openTelemetry(OpenTelemetry sdk) {
        return new EngineBuilder(config, secrets, sdk, clock);
    }

    /** The clock budgets count days by (tests pass one they move). */
    public EngineBuilder clock(Clock budgetClock) {
        return new EngineBuilder(config, secrets, openTelemetry, budgetClock);
    }

    public Engine build() {
        return new Engine(this);
    }
}
