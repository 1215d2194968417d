package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.spi.StepFactory;

/** Every step type installed, by its YAML name. */
public final class StepTypes extends InstalledTypes<StepFactory<Record>> {

    private StepTypes() {
        super(StepFactory.class, StepFactory::optionsType);
    }

    public static StepTypes installed() {
        return new StepTypes();
    }

    public static String nameOf(Class<?> optionsType) {
        Documentation doc = optionsType.getAnnotation(Documentation.class);
        if (doc == null) {
            throw new IllegalStateException(optionsType.getName() + " has no @Documentation naming its type");
        }
        return doc.name();
    }
}
