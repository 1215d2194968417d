package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the engine offers steps when they are checked and created: the configuration's folder, the
 * names of its sinks, and its shared services (the model registry; the CRM tables when the engine
 * keeps them).
 */
public final class EngineStepEnvironment implements StepEnvironment {

    private final Path baseDir;
    private final Set<String> sinkNames;
    private final List<Object> services;

    /** @param crmTables a {@code CrmLookup} and {@code LookupSource}, or null when the engine keeps no CRM tables */
    public EngineStepEnvironment(EngineConfig config, ModelRegistry models, Object crmTables) {
        this.baseDir = config.baseDir();
        this.sinkNames = Set.copyOf(config.sinks().keySet());
        List<Object> shared = new ArrayList<>();
        if (crmTables != null) {
            shared.add(crmTables);
        }
        shared.add(models);
        this.services = List.copyOf(shared);
    }

    public EngineStepEnvironment(EngineConfig config, ModelRegistry models) {
        this(config, models, null);
    }

    @Override
    public Path baseDir() {
        return baseDir;
    }

    @Override
    public Set<String> sinkNames() {
        return sinkNames;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return services.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
