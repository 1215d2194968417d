package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.testing.StepTestKit;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The draft step's options, as the loader binds and checks them: one snippet per rule, with its path and message. */
class DraftStepTest {

    @TempDir
    Path dir;

    private final ModelRegistry models = new ModelRegistry(
            Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()));
    private StepTestKit.Environment environment;

    @BeforeEach
    void folder() throws IOException {
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/account-password-reset.md"), "# Reset your password\n\nClick Forgot password.\n");
        environment = StepTestKit.environment().withService(models).withBaseDir(dir);
    }

    @AfterEach
    void close() {
        models.close();
    }

    @Test
    void should_apply_the_declared_defaults_when_options_leave_them_out() {
        // when
        DraftStepFactory.Options options = StepTestKit.options(DraftStepFactory.Options.class, """
                input: "{{ event.data.body }}"
                knowledge_base: kb
                model: fast
                """);

        // then
        assertThat(options.topK()).isEqualTo(3);
        assertThat(options.minScore()).isEqualTo(0.2);
        assertThat(options.articleChars()).isEqualTo(6000);
        assertThat(options.maxWords()).isEqualTo(200);
        assertThat(options.modelOptions().maxInputChars()).isEqualTo(4000);
    }

    @Test
    void should_find_no_problem_when_the_folder_holds_articles() {
        assertThat(StepTestKit.check(new DraftStepFactory(), "input: x\nknowledge_base: kb\nmodel: fast", environment)).isEmpty();
    }

    @Test
    void should_report_the_knowledge_base_at_its_path_when_the_folder_holds_no_article() throws IOException {
        // given a folder with only its README
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/README.md"), "# To be written\n");

        // when
        List<OptionProblem> problems = StepTestKit.check(new DraftStepFactory(), "input: x\nknowledge_base: empty\nmodel: fast", environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("knowledge_base");
            assertThat(problem.severity()).isEqualTo(OptionProblem.Severity.ERROR);
            assertThat(problem).asString().isEqualTo("No articles at knowledge_base: got 'empty', expected a folder of *.md files "
                    + "relative to the workflow file. Reading it failed: no Markdown (*.md) articles in " + dir.resolve("empty"));
        });
    }

    @Test
    void should_warn_without_refusing_when_an_article_is_not_utf8() throws IOException {
        // given
        Files.write(dir.resolve("kb/remboursement.md"), "# Remboursement\n\nLes prélèvements en double sont remboursés."
                .getBytes(Charset.forName("windows-1252")));

        // when
        List<OptionProblem> problems = StepTestKit.check(new DraftStepFactory(), "input: x\nknowledge_base: kb\nmodel: fast", environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.severity()).isEqualTo(OptionProblem.Severity.WARNING);
            assertThat(problem).asString().isEqualTo("Unusual article file at knowledge_base: got 'kb'. "
                    + "remboursement.md is not UTF-8: read as windows-1252. Save it as UTF-8");
        });
    }
}
