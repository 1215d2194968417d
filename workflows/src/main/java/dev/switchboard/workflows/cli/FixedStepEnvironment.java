package dev.switchboard.workflows.cli;

import dev.switchboard.schemas.spi.StepEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What steps are checked and created with when no engine runs (validate without a configuration,
 * the benchmarks): a folder, the sink names to accept, and the services on offer.
 *
 * @param baseDir   the folder relative paths start from
 * @param sinkNames the sink names a task step may use
 * @param services  what {@link #service} offers, by type
 */
record FixedStepEnvironment(Path baseDir, Set<String> sinkNames, List<Object> services) implements StepEnvironment {

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return services.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
