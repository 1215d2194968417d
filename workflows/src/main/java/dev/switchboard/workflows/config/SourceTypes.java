package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SourceFactory;
import dev.switchboard.workflows.model.InstalledTypes;

/** Every source type installed, by its YAML name. */
public final class SourceTypes extends InstalledTypes<SourceFactory<Record>> {

    private SourceTypes() {
        super(SourceFactory.class, SourceFactory::optionsType);
    }

    public static SourceTypes installed() {
        return new SourceTypes();
    }
}
