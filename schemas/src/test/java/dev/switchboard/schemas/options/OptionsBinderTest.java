package dev.switchboard.schemas.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.Problem;
import dev.switchboard.schemas.options.Option;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

class OptionsBinderTest {

    record Limits(
            @Option(description = "Most per minute.", minimum = 1) Integer perMinute) {
    }

    record Sample(
            @Option(description = "The name.", required = true) String name,
            @Option(description = "How many.", minimum = 1, maximum = 10) Integer count,
            @Option(description = "A share.") Double ratio,
            @Option(description = "On or off.") Boolean enabled,
            @Option(description = "How fast.", allowed = {"fast", "slow"}) String mode,
            @Option(description = "Some tags.") List<String> tags,
            @Option(description = "Extra headers.") Map<String, String> headers,
            @Option(description = "A title.", template = true) String title,
            @Option(description = "A condition.", cel = true) String when,
            @Option(description = "Largest size.") @JsonProperty("max_size") Long maxSize,
            @Option(description = "Rate limits.") Limits limits) {
    }

    record Range(
            @Option(description = "Low end.") Integer low,
            @Option(description = "High end.") Integer high) {
        Range {
            if (low != null && high != null && low > high) {
                throw new IllegalArgumentException("low must not exceed high");
            }
        }
    }

    private final Problems problems = new Problems("options.yaml");
    private final List<String> checked = new ArrayList<>();
    private final OptionsBinder binder = new OptionsBinder(problems,
            (option, value, node, path) -> checked.add(path + "=" + value + (option.cel() ? " (cel)" : " (template)")));

    private static Node yaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        return new Yaml(options).compose(new StringReader(text));
    }

    @Test
    void should_bind_every_option_type_when_values_are_valid() {
        // given
        Node node = yaml("""
                name: demo
                count: 3
                ratio: 0.5
                enabled: true
                mode: slow
                tags: [a, b]
                headers:
                  X-Team: support
                title: "Hi {{ event.data.name }}"
                when: "event.data.x == 1"
                max_size: 5000000000
                limits:
                  perMinute: 60
                """);

        // when
        Sample sample = binder.bind(Sample.class, node, "opts");

        // then
        assertThat(problems.list()).isEmpty();
        assertThat(sample).isEqualTo(new Sample("demo", 3, 0.5, true, "slow", List.of("a", "b"), Map.of("X-Team", "support"),
                "Hi {{ event.data.name }}", "event.data.x == 1", 5_000_000_000L, new Limits(60)));
        assertThat(checked).containsExactly("opts.title=Hi {{ event.data.name }} (template)", "opts.when=event.data.x == 1 (cel)");
    }

    @Test
    void should_leave_options_null_when_they_are_absent_or_null() {
        // given
        Node node = yaml("""
                name: demo
                count: ~
                """);

        // when
        Sample sample = binder.bind(Sample.class, node, "opts");

        // then an option without a declared default stays null: nothing is invented
        assertThat(problems.list()).isEmpty();
        assertThat(sample.name()).isEqualTo("demo");
        assertThat(sample.count()).isNull();
        assertThat(sample.tags()).isNull();
        assertThat(checked).isEmpty();
    }

    @Test
    void should_report_every_problem_at_its_line_when_options_are_invalid() {
        // given
        Node node = yaml("""
                nmae: demo
                count: 11
                ratio: half
                enabled: yes please
                mode: fsat
                tags: a
                headers: [x]
                max_size: 1.5
                limits:
                  perMinute: 0
                """);

        // when
        Sample sample = binder.bind(Sample.class, node, "opts");

        // then nothing binds, and each problem says where, what was given and what is expected
        assertThat(sample).isNull();
        assertThat(problems.list()).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(1, "opts.name", "Missing required option 'name' at opts. The name."),
                tuple(1, "opts.nmae", "Unknown option 'nmae' at opts; did you mean 'name'? Known options: name, count, ratio, "
                        + "enabled, mode, tags, headers, title, when, max_size, limits"),
                tuple(2, "opts.count", "Out of range at opts.count: got '11', expected between 1 and 10. How many."),
                tuple(3, "opts.ratio", "Wrong type at opts.ratio: got 'half', expected a number. A share."),
                tuple(4, "opts.enabled", "Wrong type at opts.enabled: got 'yes please', expected true or false. On or off."),
                tuple(5, "opts.mode", "Unknown value at opts.mode: got 'fsat', expected one of fast, slow; did you mean 'fast'?"),
                tuple(6, "opts.tags", "Wrong type at opts.tags: got 'a', expected a list. Some tags."),
                tuple(7, "opts.headers", "Wrong type at opts.headers: got a list, expected a mapping. Extra headers."),
                tuple(8, "opts.max_size", "Wrong type at opts.max_size: got '1.5', expected a whole number. Largest size."),
                tuple(10, "opts.limits.perMinute", "Out of range at opts.limits.perMinute: got '0', expected at least 1. Most per minute."));
    }

    @Test
    void should_report_duplicate_key_when_option_is_given_twice() {
        // given
        Node node = yaml("""
                name: demo
                mode: fast
                mode: slow
                """);

        // when
        Sample sample = binder.bind(Sample.class, node, "opts");

        // then
        assertThat(sample).isNull();
        assertThat(problems.list()).extracting(Problem::line, Problem::message)
                .containsExactly(tuple(3, "Duplicate key 'mode' at opts. Keep one"));
    }

    @Test
    void should_report_wrong_type_listing_options_when_node_is_not_a_mapping() {
        // given
        Node node = yaml("[demo]");

        // when
        Range range = binder.bind(Range.class, node, "steps[0].range");

        // then
        assertThat(range).isNull();
        assertThat(problems.list()).extracting(Problem::message)
                .containsExactly("Wrong type at steps[0].range: got a list, expected a mapping of options (low, high)");
    }

    @Test
    void should_report_record_message_when_record_rejects_values() {
        // given values each valid alone, invalid together
        Node node = yaml("""
                low: 5
                high: 2
                """);

        // when
        Range range = binder.bind(Range.class, node, "range");

        // then
        assertThat(range).isNull();
        assertThat(problems.list()).extracting(Problem::line, Problem::message)
                .containsExactly(tuple(1, "Invalid options at range: low must not exceed high"));
    }

    @Test
    void should_list_problems_sorted_by_line_when_added_out_of_order() {
        // given
        Problems unordered = new Problems("wf.yaml");
        unordered.add(9, "b", "second");
        unordered.add(2, "a", "first");
        unordered.add(0, "", "unknown line");

        // when
        List<Problem> list = unordered.list();

        // then
        assertThat(list).extracting(Problem::line).containsExactly(0, 2, 9);
        assertThat(list.get(1).toString()).isEqualTo("wf.yaml:2: first");
        assertThat(unordered.size()).isEqualTo(3);
    }

    private static final List<String> KNOWN = List.of("classify", "task", "labels", "examples", "steps", "earliest", "latest");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
            "clasify,   classify",
            "lables,    labels",
            "stpes,     steps",
            "earlist,   earliest",
            "LABELS,    labels",
            "taks,      task",
            "latest,    latest",
            "priority,  NONE",
            "x,         NONE",
            "webhook,   NONE"
    })
    void should_suggest_closest_known_word_when_within_distance(String word, String expected) {
        // given the known words of a mapping

        // when
        String suggestion = DidYouMean.closest(word, KNOWN).orElse(null);

        // then
        assertThat(suggestion).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "clasify  | ; did you mean 'classify'?",
            "priority | ''"
    })
    void should_format_hint_when_suggesting(String word, String expected) {
        // given / when
        String hint = DidYouMean.hint(word, KNOWN);

        // then
        assertThat(hint).isEqualTo(expected);
    }
}
