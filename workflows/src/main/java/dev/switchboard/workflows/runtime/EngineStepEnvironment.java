package dev.switchboard.workflows.runtime;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.files.AllowedFolders;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the engine offers steps when they are checked and created: the configuration's folder, the
 * names of its sinks, and its shared services (the model registry; the CRM tables when the engine
 * keeps them; the folders whose files workflows may name; the topics sources from outside write).
 */
public record EngineStepEnvironment(Path baseDir, Set<String> sinkNames, List<Object> services) implements StepEnvironment {

    public EngineStepEnvironment {
        sinkNames = Set.copyOf(sinkNames);
        services = List.copyOf(services);
    }

    /** @param crmTables a {@code CrmLookup} and {@code LookupSource}, or null when the engine keeps no CRM tables */
    public EngineStepEnvironment(EngineConfig config, ModelRegistry models, Object crmTables) {
        this(config.baseDir(), config.sinks().keySet(),
                Stream.of(crmTables, models, AllowedFolders.of(config.allowedFolders()), config.externalTopics())
                        .filter(service -> service != null).toList());
    }

    public EngineStepEnvironment(EngineConfig config, ModelRegistry models) {
        this(config, models, null);
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return services.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
