package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.EngineConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/** Builds an {@link Engine}; secrets default to environment variables, tracing to {@code tracing:}, the clock to UTC. */
public final class EngineBuilder {

    final EngineConfig config;
    Function<String, Optional<String>> secrets = name -> Optional.ofNullable(System.getenv(name));
    OpenTelemetry openTelemetry;
    Clock clock = Clock.systemUTC();

    EngineBuilder(EngineConfig config) {
        this.config = config;
    }

    /** Looks up secrets by environment variable name (tests pass their own). */
    public EngineBuilder secrets(Function<String, Optional<String>> secrets) {
        this.secrets = secrets;
        return this;
    }

    /** Where spans go (tests pass an in-memory SDK); closed with the engine. */
    public EngineBuilder openTelemetry(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        return this;
    }

    /** The clock budgets count days by (tests pass one they move). */
    public EngineBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public Engine build() {
        return new Engine(this);
    }
}
