package dev.switchboard.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.steps.ClassifyStepFactory;
import dev.switchboard.llm.steps.EnrichStepFactory;
import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a workflow may name as a file: relative to itself, inside the configuration's folder or files.allowed_dirs. */
class NamedFilesTest {

    @TempDir
    Path dir;

    private Path config;
    private Path workflows;
    private ModelRegistry models;

    @BeforeEach
    void folders() throws IOException {
        config = Files.createDirectories(dir.resolve("config"));
        workflows = Files.createDirectories(config.resolve("workflows"));
        Files.writeString(Files.createDirectories(config.resolve("data")).resolve("companies.csv"), "domain,name\nacme.com,Acme\n");
        Files.writeString(workflows.resolve("examples.yaml"), "billing: [I was charged twice]\nbug: [It crashes]\n");
        Files.writeString(dir.resolve("secret.yaml"), "billing: [sk-live-OUTSIDE]\nbug: [x]\n");
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(dir.resolve("shared/companies.csv"), "domain,name\nacme.com,Acme\n");
        models = new ModelRegistry(Map.of());
    }

    @AfterEach
    void close() {
        models.close();
    }

    private WorkflowLoader.Result load(String configText, String examplesFile, String lookupFile) throws IOException {
        var engineConfig = EngineConfigLoader.standard().parse("switchboard.yaml", configText, config);
        assertThat(engineConfig.problems()).isEmpty();
        var environment = new EngineStepEnvironment(engineConfig.config(), models);
        Path file = Files.writeString(workflows.resolve("wf.yaml"), """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: kind
                    classify:
                      input: "{{ event.data.subject }}"
                      labels: {billing: Invoices, bug: Crashes}
                      examples_file: %s
                  - id: account
                    enrich:
                      lookups:
                        company: {file: %s, key_column: domain, key: "{{ event.data.requester.email }}"}
                """.formatted(examplesFile, lookupFile));
        return new WorkflowLoader(StepTypes.installed(), folder -> environment).load(file);
    }

    @Test
    void should_resolve_files_against_the_workflow_file_and_bind_the_resolved_path() throws IOException {
        // when the workflow in config/workflows names a file beside it and one in ../data
        WorkflowLoader.Result result = load("", "examples.yaml", "../data/companies.csv");

        // then both load, and the steps are created with the files the loader checked
        assertThat(result.problems()).isEmpty();
        ClassifyStepFactory.Options classify = (ClassifyStepFactory.Options) result.workflow().steps().get(0).options();
        EnrichStepFactory.Options enrich = (EnrichStepFactory.Options) result.workflow().steps().get(1).options();
        assertThat(Path.of(classify.examplesFile())).isEqualTo(workflows.resolve("examples.yaml").toRealPath());
        assertThat(Path.of(enrich.lookups().get("company").file())).isEqualTo(config.resolve("data/companies.csv").toRealPath());
    }

    @Test
    void should_refuse_an_absolute_path_a_dot_dot_escape_and_a_symbolic_link_out() throws IOException {
        // given a link inside the configuration folder to a file outside it
        Files.createSymbolicLink(config.resolve("data/linked.yaml"), dir.resolve("secret.yaml"));

        // when
        WorkflowLoader.Result absolute = load("", dir.resolve("secret.yaml").toString(), "../data/companies.csv");
        WorkflowLoader.Result escape = load("", "examples.yaml", "../../shared/companies.csv");
        WorkflowLoader.Result link = load("", "../data/linked.yaml", "../data/companies.csv");

        // then each is a problem at the option's line that says how to fix it
        assertThat(absolute.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(9);
            assertThat(problem.message()).startsWith("Absolute path at steps[0].classify.examples_file: got '" + dir.resolve("secret.yaml")
                    + "', expected a path relative to the workflow file that stays inside [" + config + "]. Move the file into one of them, "
                    + "or add its folder to files.allowed_dirs in switchboard.yaml");
        });
        assertThat(escape.problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("Path outside the allowed folders at steps[1].enrich.lookups.company.file: got '../../shared/companies.csv'");
        assertThat(link.problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("Symbolic link out of the allowed folders at steps[0].classify.examples_file: got '../data/linked.yaml'");
        assertThat(absolute.problems().toString() + escape.problems() + link.problems()).doesNotContain("OUTSIDE");
    }

    @Test
    void should_accept_a_folder_that_files_allowed_dirs_adds() throws IOException {
        // when the configuration allows ../shared
        WorkflowLoader.Result result = load("files: {allowed_dirs: [../shared]}", "examples.yaml", "../../shared/companies.csv");

        // then
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void should_refuse_an_allowed_folder_that_is_not_there() {
        // when
        var result = EngineConfigLoader.standard().parse("switchboard.yaml", "files:\n  allowed_dirs: [../shared, ../nowhere]\n", config);

        // then
        assertThat(result.problems()).extracting(Problem::line, Problem::message).containsExactly(tuple(2,
                "No folder at files.allowed_dirs[1]: got '../nowhere' (" + dir.resolve("nowhere")
                        + "), expected a folder relative to this file. Create it, or remove the entry"));
    }

    @Test
    void should_not_quote_a_file_that_does_not_parse() throws IOException {
        // given an examples file that is a secret, not YAML
        Files.writeString(workflows.resolve("token.yaml"), "token: [sk-live-SECRET-41f\n");

        // when
        WorkflowLoader.Result result = load("", "token.yaml", "../data/companies.csv");

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .contains("Unreadable file at steps[0].classify.examples_file").contains("it is not valid YAML at line")
                .doesNotContain("SECRET").doesNotContain("sk-live");
    }
}
