package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Eval and replay change a step's model and input by name, whether the option sits in the record or in one of its groups. */
class OptionsRecordsTest {

    record Model(@Option(description = "The model.") String model, @Option(description = "The bar.") Double minConfidence) {
    }

    record Grouped(@Option(description = "The input.") String input, @OptionGroup Model modelOptions) {
    }

    record Flat(@Option(description = "The input.") String input, @Option(description = "The model.") String model) {
    }

    @Test
    void should_read_an_option_in_a_group_when_the_record_groups_it() {
        // given
        Grouped options = new Grouped("{{ event.data.text }}", new Model("deepseek", 0.7));

        // then
        assertThat(OptionsRecords.read(options, "model")).isEqualTo("deepseek");
        assertThat(OptionsRecords.read(options, "minConfidence")).isEqualTo(0.7);
        assertThat(OptionsRecords.read(options, "input")).isEqualTo("{{ event.data.text }}");
        assertThat(OptionsRecords.read(options, "labels")).isNull();
        assertThat(OptionsRecords.has(Grouped.class, "model")).isTrue();
        assertThat(OptionsRecords.has(Grouped.class, "labels")).isFalse();
    }

    @Test
    void should_replace_options_in_the_record_and_its_groups_when_copied() {
        // given
        Grouped options = new Grouped("{{ event.data.text }}", new Model("deepseek", 0.7));
        Map<String, Object> changes = new HashMap<>();
        changes.put("model", "embedded");
        changes.put("minConfidence", null);
        changes.put("input", "{{ event.data.subject }}");
        changes.put("labels", Map.of("a", "A"));

        // when
        Record copy = OptionsRecords.copy(options, changes);

        // then the original is untouched, and names it does not have are ignored
        assertThat(copy).isEqualTo(new Grouped("{{ event.data.subject }}", new Model("embedded", null)));
        assertThat(options.modelOptions().model()).isEqualTo("deepseek");
    }

    @Test
    void should_replace_an_option_when_the_record_is_flat() {
        // when
        Record copy = OptionsRecords.copy(new Flat("x", "deepseek"), Map.of("model", "embedded"));

        // then
        assertThat(copy).isEqualTo(new Flat("x", "embedded"));
    }
}
