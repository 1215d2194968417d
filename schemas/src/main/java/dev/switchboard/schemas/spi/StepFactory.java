package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.types.ValueType;
import java.util.List;

/**
 * Creates one step type. Registered with {@link java.util.ServiceLoader}; the options record
 * carries the type's name ({@link dev.switchboard.schemas.options.Documentation}), its options
 * ({@link dev.switchboard.schemas.options.Option}) and examples, from which the workflow JSON
 * Schema, the reference docs and the validation messages are generated.
 *
 * @param <O> the options record
 */
public interface StepFactory<O extends Record> {

    /** The options record; by default the type argument of {@code implements StepFactory<Options>}. */
    default Class<O> optionsType() {
        return OptionsTypes.of(getClass(), StepFactory.class);
    }

    /**
     * Checks that need more than the options' declared types and bounds (two labels at least, a
     * model that exists). Each message follows the house shape and is reported at the step's path.
     */
    default List<OptionProblem> check(O options, StepEnvironment environment) {
        return List.of();
    }

    /**
     * What later steps read of this step's output as {@code steps.<id>.<field>}, from its options (a classify step's
     * labels, an extract step's fields). Every template and condition of a workflow is checked against it when the
     * workflow loads; a step that declares nothing can be read at any path.
     */
    default ValueType outputs(O options, StepEnvironment environment) {
        return ValueType.any();
    }

    Step create(String stepId, O options, StepEnvironment environment);
}
