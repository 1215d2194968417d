package dev.switchboard.schemas.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateTest {

    private static Map<String, Object> root() {
        Map<String, Object> requester = new LinkedHashMap<>();
        requester.put("email", "ann@example.com");
        requester.put("name", "Ann");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subject", "Printer on fire");
        data.put("requester", requester);
        data.put("tags", List.of("hardware", "urgent"));
        data.put("attachments", List.of(Map.of("name", "photo.jpg")));
        data.put("count", 1.0);
        data.put("ratio", 0.25);
        data.put("seats", 12);
        data.put("body", "Help {{ event.id }} ${jndi:ldap://x} #{1+1} {{ steps.triage.label }}");
        return Map.of(
                "event", Map.of("id", "e1", "type", "ticket.created", "data", data),
                "steps", Map.of("triage", Map.of("label", "bug", "confidence", 0.92)));
    }

    @Test
    void should_render_nested_paths_when_values_exist() {
        // given
        Template template = Template.parse("[{{ steps.triage.label }}] {{event.data.subject}} from {{ event.data.requester.email }}");

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo("[bug] Printer on fire from ann@example.com");
    }

    @Test
    void should_render_list_elements_when_path_has_indexes() {
        // given
        Template template = Template.parse("{{ event.data.tags[1] }} / {{ event.data.attachments[0].name }}");

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo("urgent / photo.jpg");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{{ event.data.missing }}            | ''",
            "{{ event.data.subject.deeper }}     | ''",
            "{{ event.data.tags[5] }}            | ''",
            "{{ event.data.requester[0] }}       | ''",
            "{{ steps.later.label }}             | ''",
            "a{{ event.data.missing }}b          | ab"
    })
    void should_render_empty_text_when_value_is_missing(String source, String expected) {
        // given
        Template template = Template.parse(source);

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{{ event.data.missing }}            | event.data.missing",
            "{{ event.data.subject.deeper }}     | event.data.subject.deeper",
            "{{ event.data.tags[5] }}            | event.data.tags[5]",
            "a{{ steps.later.label }}b          | steps.later.label"
    })
    void should_name_the_path_and_the_fallback_when_a_value_is_missing_and_missing_values_fail(String source, String path) {
        // given
        Template template = Template.parse(source);

        // when / then
        assertThatThrownBy(() -> template.render(root(), Template.Missing.FAIL))
                .isInstanceOfSatisfying(Template.MissingValueException.class, e -> assertThat(e.path()).isEqualTo(path))
                .hasMessage("Missing value at " + path + ": got nothing in \"" + source + "\", expected a value. Give a fallback where it"
                        + " may be missing, {{ " + path + " | default: \"...\" }}, or send events that carry it");
    }

    @Test
    void should_render_the_fallback_when_a_value_is_missing_and_missing_values_fail() {
        // given
        Template template = Template.parse("{{ event.data.missing | default: 'none' }}/{{ event.data.subject | default: 'x' }}");

        // when
        String text = template.render(root(), Template.Missing.FAIL);

        // then
        assertThat(text).isEqualTo("none/Printer on fire");
    }

    @Test
    void should_fail_on_a_null_value_and_render_present_ones_when_missing_values_fail() {
        // given a value that is there but null, as an extracted field the text does not give
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("confidence", null);
        Map<String, Object> root = Map.of("event", Map.of("id", "e1"), "steps", Map.of("review", steps));

        // when / then
        assertThat(Template.parse("{{ event.id }}").render(root, Template.Missing.FAIL)).isEqualTo("e1");
        assertThatThrownBy(() -> Template.parse("{{ steps.review.confidence }}").render(root, Template.Missing.FAIL))
                .isInstanceOf(Template.MissingValueException.class).hasMessageStartingWith("Missing value at steps.review.confidence");
        assertThat(Template.parse("{{ steps.review.confidence }}").render(root, Template.Missing.EMPTY)).isEmpty();
    }

    @Test
    void should_render_whole_numbers_without_fraction_when_value_is_a_double() {
        // given
        Template template = Template.parse("{{ event.data.count }}|{{ event.data.ratio }}|{{ event.data.seats }}|{{ steps.triage.confidence }}");

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo("1|0.25|12|0.92");
    }

    @Test
    void should_render_json_when_value_is_a_map_or_list() {
        // given
        Template template = Template.parse("{{ event.data.requester }} {{ event.data.tags }}");

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo("{\"email\":\"ann@example.com\",\"name\":\"Ann\"} [\"hardware\",\"urgent\"]");
    }

    @Test
    void should_insert_value_verbatim_when_value_contains_template_or_expression_syntax() {
        // given an event body that looks like placeholders and lookups
        Template template = Template.parse("Body: {{ event.data.body }}");

        // when
        String text = template.render(root());

        // then it is text: neither re-evaluated nor interpolated
        assertThat(text).isEqualTo("Body: Help {{ event.id }} ${jndi:ldap://x} #{1+1} {{ steps.triage.label }}");
    }

    @Test
    void should_keep_literal_text_when_template_has_no_placeholder() {
        // given
        Template template = Template.parse("Costs ${price} and #{1+1}");

        // when / then
        assertThat(template.paths()).isEmpty();
        assertThat(template.render(root())).isEqualTo("Costs ${price} and #{1+1}");
        assertThat(template.source()).isEqualTo("Costs ${price} and #{1+1}");
    }

    @Test
    void should_list_paths_with_segments_when_parsed() {
        // given / when
        Template template = Template.parse("{{ event.data.tags[0] }} {{ steps.triage.label }}");

        // then
        assertThat(template.paths()).extracting(Template.Path::text).containsExactly("event.data.tags[0]", "steps.triage.label");
        assertThat(template.paths().get(0).segments()).containsExactly("event", "data", "tags", 0);
    }

    @Test
    void should_render_the_fallback_only_when_the_value_is_absent() {
        // given a fallback in double quotes on an absent value, and one in single quotes on a present value
        Template template = Template.parse("{{ event.data.missing | default: \"(none)\" }} / {{event.data.subject|default:'x'}}"
                + " / {{ event.data.tags[7] | default: '' }}.");

        // when
        String text = template.render(root());

        // then
        assertThat(text).isEqualTo("(none) / Printer on fire / .");
        assertThat(template.paths()).extracting(Template.Path::text).containsExactly("event.data.missing", "event.data.subject", "event.data.tags[7]");
        assertThat(template.paths()).extracting(Template.Path::fallback).containsExactly("(none)", "x", "");
        assertThat(template.paths().get(0).placeholder()).isEqualTo("{{ event.data.missing | default: \"(none)\" }}");
    }

    @Test
    void should_hand_the_insertion_the_fallback_only_when_the_value_is_absent() {
        // given
        Template template = Template.parse("{{ event.data.missing | default: '0' }} {{ event.data.subject | default: 'x' }} {{ event.data.gone }}");

        // when each insertion shows what it was handed
        String text = template.render(root(), (index, path, value) -> index + "=" + value);

        // then
        assertThat(text).isEqualTo("0=0 1=Printer on fire 2=null");
    }

    @Test
    void should_have_no_fallback_when_the_placeholder_states_none() {
        // given / when
        Template.Path path = Template.parse("{{ event.data.subject }}").paths().get(0);

        // then
        assertThat(path.fallback()).isNull();
        assertThat(path.placeholder()).isEqualTo("{{ event.data.subject }}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "{{ event.data.x | default }}           => Invalid placeholder '{{ event.data.x | default }}': templates only read values, expected a path, or a path with a fallback",
            "{{ event.data.x | default: none }}     => Invalid placeholder '{{ event.data.x | default: none }}'",
            "{{ event.data.x | default: 'a' | default: 'b' }} => Invalid placeholder",
            "{{ event.data.x | fallback: 'a' }}     => Invalid placeholder '{{ event.data.x | fallback: 'a' }}'",
            "{{ event.data.x + 1 | default: 'a' }}  => Invalid placeholder '{{ event.data.x + 1 }}'",
            "{{ | default: 'a' }}                   => Invalid placeholder"
    })
    void should_reject_a_fallback_with_message_when_it_is_not_a_quoted_text(String source, String message) {
        // when / then
        assertThatThrownBy(() -> Template.parse(source))
                .isInstanceOf(Template.TemplateException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "{{ event.data.x + 1 }}               => Invalid placeholder '{{ event.data.x + 1 }}': templates only read values",
            "{{ event.data.subject.toUpperCase() }} => Invalid placeholder '{{ event.data.subject.toUpperCase() }}'",
            "{{ }}                                => Invalid placeholder '{{  }}'",
            "{{ 'text' }}                         => Invalid placeholder '{{ 'text' }}'",
            "{{ event.data['subject'] }}          => Invalid placeholder '{{ event.data['subject'] }}'",
            "{{ event.data.subject | upper }}     => Invalid placeholder '{{ event.data.subject | upper }}'",
            "Hi {{ event.data.subject            => Unclosed placeholder in template 'Hi {{ event.data.subject': expected {{ path }}. Close it with }}",
            "Hi {{ event.data.subject }          => Unclosed placeholder",
            "{{ {{ event.id }} }}                 => Unclosed placeholder"
    })
    void should_reject_template_with_message_when_placeholder_is_invalid(String source, String message) {
        // given a placeholder that is not a plain path

        // when / then
        assertThatThrownBy(() -> Template.parse(source))
                .isInstanceOf(Template.TemplateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void should_escape_inserted_values_only_when_rendered_with_an_escape() {
        // given
        Template template = Template.parse("{\"subject\": \"{{ event.data.subject }}\", \"tags\": \"{{ event.data.tags }}\"}");

        // when
        String text = template.render(root(), value -> value.replace("\"", "\\\""));

        // then the template's own quotes stay, the value's quotes are escaped
        assertThat(text).isEqualTo("{\"subject\": \"Printer on fire\", \"tags\": \"[\\\"hardware\\\",\\\"urgent\\\"]\"}");
    }
}
