package dev.switchboard.schemas.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

class OptionGroupTest {

    record Listener(
            @Option(description = "The path.", defaultValue = "/hooks") String path,
            @Option(description = "Largest body.", defaultValue = "1048576", minimum = 1024) @JsonProperty("max_body_bytes") Integer maxBodyBytes,
            @Option(description = "Tags.", defaultValue = "[a, b]") List<String> tags) {
    }

    record Vendor(
            @Option(description = "The vendor's id.", required = true) String id,
            @OptionGroup Listener listener,
            @Option(description = "Verbose.", defaultValue = "false") Boolean verbose) {
    }

    record Twice(
            @Option(description = "Clashes with the group.") String path,
            @OptionGroup Listener listener) {
    }

    /** A listener group nested in another group, as each webhook source's listener holds the shared listener options. */
    record JsonListener(
            @OptionGroup Listener listener,
            @Option(description = "Strict content type.", defaultValue = "true") Boolean strict) {
    }

    record Zoom(
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/zoom")) JsonListener listener) {
    }

    /** The outer use of a group decides over a default given by a use nested inside it. */
    record Inner(
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/inner")) Listener listener) {
    }

    record Outer(
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/outer")) Inner inner) {
    }

    record Misnamed(
            @OptionGroup(defaults = @OptionGroup.Default(option = "pth", value = "/x")) Listener listener) {
    }

    private final Problems problems = new Problems("vendor.yaml");
    private final OptionsBinder binder = new OptionsBinder(problems, (option, value, node, path) -> { });

    private static Node yaml(String text) {
        return new Yaml(new LoaderOptions()).compose(new StringReader(text));
    }

    @Test
    void should_bind_group_options_at_the_parent_level_and_apply_every_declared_default() {
        // when
        Vendor vendor = binder.bind(Vendor.class, yaml("""
                id: acme
                max_body_bytes: 2048
                """), "sources.acme");

        // then
        assertThat(problems.list()).isEmpty();
        assertThat(vendor).isEqualTo(new Vendor("acme", new Listener("/hooks", 2048, List.of("a", "b")), false));
    }

    @Test
    void should_report_problems_of_group_options_at_their_flattened_path() {
        // when
        Vendor vendor = binder.bind(Vendor.class, yaml("""
                id: acme
                max_body_bytes: 12
                listener:
                  path: /x
                """), "sources.acme");

        // then
        assertThat(vendor).isNull();
        assertThat(problems.list()).extracting(problem -> problem.line() + " " + problem.path())
                .containsExactly("2 sources.acme.max_body_bytes", "3 sources.acme.listener");
    }

    @Test
    void should_flatten_groups_into_the_schema_with_their_defaults() {
        // when
        ObjectNode schema = OptionsSchema.of(Vendor.class);

        // then
        assertThat(schema.get("properties").fieldNames()).toIterable()
                .containsExactly("id", "path", "max_body_bytes", "tags", "verbose");
        assertThat(schema.at("/properties/max_body_bytes/default").asInt()).isEqualTo(1048576);
        assertThat(schema.at("/properties/path/default").asText()).isEqualTo("/hooks");
    }

    @Test
    void should_apply_the_default_the_use_of_a_group_gives_through_nested_groups_in_binder_and_schema() {
        // when
        Zoom zoom = binder.bind(Zoom.class, yaml("max_body_bytes: 4096"), "sources.zoom");
        Zoom moved = binder.bind(Zoom.class, yaml("path: /zoom/events"), "sources.zoom");

        // then the group's own default elsewhere, the use's default here, a written value over both
        assertThat(problems.list()).isEmpty();
        assertThat(zoom.listener().listener()).isEqualTo(new Listener("/webhooks/zoom", 4096, List.of("a", "b")));
        assertThat(moved.listener().listener().path()).isEqualTo("/zoom/events");
        assertThat(binder.bind(Vendor.class, yaml("id: acme"), "sources.acme").listener().path()).isEqualTo("/hooks");
        assertThat(OptionsSchema.of(Zoom.class).at("/properties/path/default").asText()).isEqualTo("/webhooks/zoom");
        assertThat(OptionsSchema.of(Zoom.class).at("/properties/path/description").asText()).isEqualTo("The path.");
        assertThat(OptionField.of(Zoom.class)).filteredOn(field -> field.key().equals("path"))
                .extracting(OptionField::defaultValue).containsExactly("/webhooks/zoom");
    }

    @Test
    void should_let_the_outermost_use_of_a_group_decide_its_defaults() {
        // when
        Outer outer = binder.bind(Outer.class, yaml("tags: [c]"), "sources.outer");

        // then
        assertThat(outer.inner().listener().path()).isEqualTo("/outer");
        assertThat(binder.bind(Inner.class, yaml("tags: [c]"), "sources.inner").listener().path()).isEqualTo("/inner");
        assertThat(OptionsSchema.of(Outer.class).at("/properties/path/default").asText()).isEqualTo("/outer");
    }

    @Test
    void should_refuse_a_default_given_to_an_option_the_group_does_not_have() {
        assertThatThrownBy(() -> OptionField.of(Misnamed.class))
                .hasMessageContaining("gives a default to 'pth', which is not an option of");
    }

    @Test
    void should_refuse_an_option_declared_twice_through_a_group() {
        assertThatThrownBy(() -> OptionField.of(Twice.class))
                .hasMessageContaining("declares option 'path' twice");
    }

    @Test
    void should_render_a_problem_in_the_house_shape_at_its_full_path() {
        // given
        OptionProblem problem = OptionProblem.at("labels", "Too few labels").got("billing")
                .expected("at least two labels").fix("Add the labels the step chooses between");

        // then
        assertThat(problem.message("steps[0].classify")).isEqualTo(
                "Too few labels at steps[0].classify.labels: got 'billing', expected at least two labels."
                        + " Add the labels the step chooses between");
        assertThat(problem.under("auth").fullPath("sources.z")).isEqualTo("sources.z.auth.labels");
        assertThat(OptionProblem.at("", "Needs a token").fix("; set token_env").message("sinks.crm"))
                .isEqualTo("Needs a token at sinks.crm; set token_env");
    }

    @Test
    void should_place_a_problem_at_the_line_of_the_option_its_path_names() {
        // given
        Node node = yaml("""
                model: fast
                fields:
                  - name: total
                  - name: due
                    type: date
                """);

        // when
        problems.add(node, "steps[1].extract", OptionProblem.at("fields[1].type", "Unknown type").got("date"));
        problems.add(node, "steps[1].extract", OptionProblem.at("examples.billing", "Unknown label"));

        // then the second is placed at the deepest part of its path the file has
        assertThat(problems.list()).extracting(problem -> problem.line() + " " + problem.path())
                .containsExactly("1 steps[1].extract.examples.billing", "5 steps[1].extract.fields[1].type");
    }
}
