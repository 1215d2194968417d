package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.openai.ClassificationPrompt;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.schemas.spi.PromptedStep;
import dev.switchboard.schemas.spi.PromptedStep.PromptVersion;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prompts live in files: the bundled ones keep every version the Java constants had, and a workflow may bring its own. */
class PromptFilesTest {

    private static final String SCORE = "input: x\nmodel: fast\nrubric: 10 is a named budget\nmin: 0\nmax: 10\n";

    @TempDir
    Path dir;

    private ModelRegistry models;
    private StepTestKit.Environment environment;

    @BeforeEach
    void registry() {
        models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()), Map.of());
        environment = StepTestKit.environment().withBaseDir(dir).withService(models);
    }

    @AfterEach
    void close() {
        models.close();
    }

    // the SHA-256 prefixes of the Java constants these files replaced: the version's hash input must not move
    @ParameterizedTest
    @CsvSource({
        "classify.system, bf86a60a378ec391",
        "classify.user, 242a5bcd8c367981",
        "draft.system, 979519b45eefe00a",
        "extract.system, c7660b7c452a3534",
        "score.system, 3e2e6377647ecdfe",
        "summarize.system, 119449f9817636aa"})
    void should_hash_as_the_former_constant_when_a_bundled_prompt_is_read(String name, String hash) {
        // when
        PromptTemplate template = PromptTemplate.bundled(name);

        // then
        assertThat(PromptText.hash(template.text(), 8)).isEqualTo(hash);
        assertThat(template.source()).isEqualTo("bundled:prompts/" + name + ".md");
    }

    @Test
    void should_keep_the_classification_template_version_when_it_is_read_from_a_file() {
        assertThat(ClassificationPrompt.TEMPLATE_VERSION).isEqualTo("p-0010e704");
    }

    @Test
    void should_show_the_prompt_with_its_options_when_a_step_uses_the_bundled_template() {
        // when
        PromptedStep step = (PromptedStep) StepTestKit.create(new ScoreStepFactory(), "lead", SCORE, environment);

        // then
        PromptVersion prompt = step.prompts().get(0);
        assertThat(prompt.version()).isEqualTo(((ScoreStep) step).promptVersion()).startsWith("pv-");
        assertThat(prompt.promptId()).isEqualTo("score/lead");
        assertThat(prompt.source()).isEqualTo("bundled:prompts/score.system.md");
        assertThat(prompt.text()).startsWith("You score the text the user sends from 0 to 10 by this rubric:\n10 is a named budget\n")
                .doesNotContain("{{");
    }

    @Test
    void should_version_a_workflow_prompt_by_its_content_when_prompt_file_is_set() throws Exception {
        // given two files with the same text and one with another
        String own = "Score from {{min}} to {{max}}: {{rubric}}. Reasons under {{reason_chars}} characters.\n";
        Files.writeString(dir.resolve("own.md"), own);
        Files.writeString(dir.resolve("same.md"), own.replace("\n", "\r\n"));
        Files.writeString(dir.resolve("other.md"), "Score it from {{min}} to {{max}}: {{rubric}}\n");

        // when
        List<PromptVersion> bundled = prompts(SCORE);
        List<PromptVersion> mine = prompts(SCORE + "prompt_file: own.md\n");
        List<PromptVersion> same = prompts(SCORE + "prompt_file: same.md\n");
        List<PromptVersion> other = prompts(SCORE + "prompt_file: other.md\n");

        // then
        assertThat(mine.get(0).text()).isEqualTo("Score from 0 to 10: 10 is a named budget. Reasons under 200 characters.");
        assertThat(mine.get(0).source()).isEqualTo("own.md");
        assertThat(mine.get(0).version()).isEqualTo(same.get(0).version())
                .isNotEqualTo(bundled.get(0).version()).isNotEqualTo(other.get(0).version());
    }

    @Test
    void should_leave_the_articles_as_a_placeholder_when_a_draft_prompt_is_shown() throws Exception {
        // given
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/refunds.md"), "# Refunds\nWe refund within 14 days.");

        // when
        List<PromptVersion> prompts = prompts(new DraftStepFactory(), "input: x\nmodel: fast\nknowledge_base: kb\nmax_words: 80\n");

        // then
        assertThat(prompts.get(0).text()).contains("Write at most 80 words.").endsWith("Articles:\n{{articles}}");
    }

    @Test
    void should_show_labels_and_the_user_turn_when_a_classify_prompt_is_shown() {
        // when
        List<PromptVersion> prompts = prompts(new ClassifyStepFactory(), "input: x\nmodel: fast\nlabels: {cancel: Cancels, other: Else}\n");

        // then
        assertThat(prompts.get(0).text()).contains("- cancel: Cancels\n- other: Else").endsWith("--- user ---\n<text>\n{{text}}\n</text>");
        assertThat(prompts.get(0).version()).startsWith("pv-");
    }

    private List<PromptVersion> prompts(String yaml) {
        return prompts(new ScoreStepFactory(), yaml);
    }

    private <O extends Record> List<PromptVersion> prompts(dev.switchboard.schemas.spi.StepFactory<O> factory, String yaml) {
        return ((PromptedStep) StepTestKit.create(factory, "lead", yaml, environment)).prompts();
    }
}
