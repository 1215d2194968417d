package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.workflows.model.InstalledTypes;

/** Every sink type installed, by its YAML name. */
public final class SinkTypes extends InstalledTypes<SinkFactory<Record>> {

    private SinkTypes() {
        super(SinkFactory.class, SinkFactory::optionsType);
    }

    public static SinkTypes installed() {
        return new SinkTypes();
    }
}
