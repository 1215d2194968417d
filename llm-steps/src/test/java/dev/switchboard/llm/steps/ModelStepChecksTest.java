package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every check of the model steps' options: one snippet per rule, with the path and message it is reported with. */
class ModelStepChecksTest {

    @TempDir
    Path dir;

    private ModelRegistry models;
    private StepTestKit.Environment environment;

    @BeforeEach
    void registry() throws Exception {
        models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()),
                Map.of("local", List.of("embedded")));
        environment = StepTestKit.environment().withBaseDir(dir).withService(models);
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/refunds.md"), "# Refunds\nWe refund within 14 days.");
        Files.writeString(dir.resolve("intent.yaml"), "cancel: [I want to cancel]\nrefund: [Money back please]\n");
    }

    @AfterEach
    void close() {
        models.close();
    }

    static Stream<Arguments> invalidOptions() {
        String classify = "input: '{{ event.data.body }}'\n";
        String labels = "labels: {cancel: Cancels, upgrade: Upgrades}\n";
        return Stream.of(
                Arguments.of(new ClassifyStepFactory(), classify + "labels: {cancel: Cancels}", "labels",
                        "Too few labels at labels: got 1, expected at least 2. Add the labels the step must choose between"),
                Arguments.of(new ClassifyStepFactory(), classify + labels + "examples: {cancl: [Stop it]}", "examples.cancl",
                        "Examples for unknown label at examples.cancl: got 'cancl', expected one of [cancel, upgrade]. Add it to labels or fix its name"),
                Arguments.of(new ClassifyStepFactory(), classify + labels + "examples_file: intent.yaml", "examples_file",
                        "Examples for unknown label at examples_file: got 'refund', expected one of [cancel, upgrade]. Add it to labels or fix intent.yaml"),
                Arguments.of(new ClassifyStepFactory(), classify + labels + "examples_file: missing.yaml", "examples_file",
                        "Unreadable file at examples_file: got 'missing.yaml', expected a YAML, JSON or JSON Lines file relative to the workflow file. Reading it failed:"),
                Arguments.of(new ClassifyStepFactory(), classify + labels + "model: gpt-5", "model",
                        "Unknown model at model: got 'gpt-5', expected one of [embedded, fast, local]. Declare it under models: or aliases: in the engine configuration"),
                Arguments.of(new ClassifyStepFactory(), classify, "labels",
                        "Missing labels at labels: model 'embedded' has no trained head to take them from. List the labels with a description each, or use a model with `head:` in the engine configuration"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {}", "fields",
                        "No fields at fields: expected at least one field to extract"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {Amount: {type: number}}", "fields.Amount",
                        "Invalid field name at fields.Amount: got 'Amount', expected lowercase letters, digits and '_' (and not 'confidence')"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {currency: {type: enum}}", "fields.currency",
                        "Enum without values at fields.currency: expected values: [..] with the allowed values"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {next_steps: {type: list}}", "fields.next_steps",
                        "List without items at fields.next_steps: expected items: {type: ...}, e.g. items: {type: string}"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {owner: {type: string, items: {type: string}}}",
                        "fields.owner.items", "Items of a string field at fields.owner.items: expected items only on a field of type list. "
                                + "Remove items, or make the field type: list"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {next_steps: {type: list, items: {type: object}}}",
                        "fields.next_steps.items", "Object items without fields at fields.next_steps.items: expected fields: {name: {type: ...}, ...}"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {steps: {type: list, items: {type: object, fields: {Due: {type: date}}}}}",
                        "fields.steps.items.fields.Due", "Invalid field name at fields.steps.items.fields.Due: got 'Due', expected lowercase letters, digits and '_'"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: fast\nfields: {objections: {type: list, items: {type: enum}}}",
                        "fields.objections.items", "Enum without values at fields.objections.items: expected values: [..] with the allowed values"),
                Arguments.of(new ExtractStepFactory(), "input: x\nmodel: local\nfields: {amount: {type: number}}", "model",
                        "Model cannot write at model: got 'local', expected a chat model (provider openai) or an alias with one; the embedded model only embeds and classifies"),
                Arguments.of(new ScoreStepFactory(), "input: x\nmodel: fast\nrubric: r\nmin: 10", "max",
                        "Empty range at max: got '10', expected a number above min 10"),
                Arguments.of(new ScoreStepFactory(), "input: x\nmodel: fast\nrubric: r\nprompt_file: prompts/missing.md", "prompt_file",
                        "Unreadable file at prompt_file: got 'prompts/missing.md', expected a Markdown prompt template relative to the workflow file"),
                Arguments.of(new SummarizeStepFactory(), "input: x\nmodel: embedded", "model",
                        "Model cannot write at model: got 'embedded'"),
                Arguments.of(new DraftStepFactory(), "input: x\nmodel: fast\nknowledge_base: nowhere", "knowledge_base",
                        "No articles at knowledge_base: got 'nowhere', expected a folder of *.md files relative to the workflow file. Reading it failed: not a folder"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("invalidOptions")
    void should_report_the_problem_at_its_option_when_options_break_a_rule(StepFactory<Record> factory, String yaml, String path,
                                                                            String message) {
        // when
        List<OptionProblem> problems = StepTestKit.check(factory, yaml, environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.toString()).startsWith(message);
        });
    }

    @Test
    void should_find_nothing_when_the_examples_of_every_step_are_checked() {
        // given the knowledge base and examples file the examples name
        Stream.of("cancel: [I want to cancel]\nupgrade: [A bigger plan]\nother: [Hello]\n").forEach(text -> {
            try {
                Files.createDirectories(dir.resolve("examples"));
                Files.writeString(dir.resolve("examples/intent.yaml"), text);
                Files.createDirectories(dir.resolve("kb/help-center"));
                Files.writeString(dir.resolve("kb/help-center/refunds.md"), "# Refunds\nWe refund within 14 days.");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // when / then
        assertThat(StepTestKit.check(new DraftStepFactory(), "input: x\nmodel: fast\nknowledge_base: kb/help-center", environment)).isEmpty();
        assertThat(StepTestKit.check(new ScoreStepFactory(), "input: x\nmodel: fast\nrubric: r\nmin: 0\nmax: 100", environment)).isEmpty();
        assertThat(StepTestKit.check(new ClassifyStepFactory(), """
                input: x
                labels: {cancel: Cancels, upgrade: Upgrades, other: Else}
                examples_file: examples/intent.yaml
                """, environment)).isEmpty();
    }
}
