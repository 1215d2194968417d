package dev.switchboard.schemas.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTypesTest {

    record Options(String text) {
    }

    static class NamedFactory implements StepFactory<Options> {
        @Override
        public Step create(String stepId, Options options, StepEnvironment environment) {
            throw new UnsupportedOperationException();
        }
    }

    static final class SubclassedFactory extends NamedFactory {
    }

    abstract static class OpenBase<O extends Record> implements SinkFactory<O> {
        @Override
        public TaskSink create(String name, O options, SinkEnvironment environment) {
            throw new UnsupportedOperationException();
        }
    }

    static final class ThroughOpenBase extends OpenBase<Options> {
    }

    @Test
    void should_find_the_options_record_when_the_factory_or_a_superclass_names_it() {
        // given two factories, one of them inheriting its implements clause
        // when their options type is asked for
        // then both name the record
        assertThat(new NamedFactory().optionsType()).isEqualTo(Options.class);
        assertThat(new SubclassedFactory().optionsType()).isEqualTo(Options.class);
    }

    @Test
    void should_say_how_to_fix_it_when_a_generic_base_leaves_the_type_open() {
        // given a factory whose base implements SinkFactory<O>
        // when its options type is asked for
        // then the failure names the factory and the fix
        assertThatThrownBy(() -> new ThroughOpenBase().optionsType())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ThroughOpenBase.class.getName())
                .hasMessageContaining("override optionsType()");
    }
}
