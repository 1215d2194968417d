package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.cli.SwitchboardCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example under {@code workflows/examples} names its JSON Schema in a yaml-language-server
 * modeline, by a path relative to the file, so an editor validates and completes it; the modeline
 * is a comment, so the loaders read the file as before.
 */
class ExampleModelineTest {

    private static final Pattern MODELINE = Pattern.compile("# yaml-language-server: \\$schema=(\\S+)");

    static Stream<Path> examples() throws IOException {
        Path folder = repositoryRoot().resolve("workflows/examples");
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> yaml = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).hasSizeGreaterThanOrEqualTo(9);
            return yaml.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void should_name_its_schema_in_the_first_line_when_an_editor_opens_the_example(Path file) throws IOException {
        // given
        String first = Files.readAllLines(file).get(0);
        String expected = file.getFileName().toString().equals("switchboard.yaml") ? "switchboard.schema.json" : "workflow.schema.json";

        // when
        Matcher modeline = MODELINE.matcher(first);

        // then the modeline leads to the generated schema of its kind, inside the repository
        assertThat(modeline.matches()).as("first line of %s: %s", file.getFileName(), first).isTrue();
        Path schema = file.getParent().resolve(modeline.group(1)).normalize();
        assertThat(schema).isEqualTo(repositoryRoot().resolve("schemas").resolve(expected));
        assertThat(schema).isRegularFile();
    }

    @Test
    void should_validate_every_example_against_their_configuration_when_they_carry_modelines() throws IOException {
        // given
        Path examples = repositoryRoot().resolve("workflows/examples");
        long workflows;
        try (Stream<Path> files = Files.list(examples)) {
            workflows = files.filter(file -> file.toString().endsWith(".yaml") && !file.getFileName().toString().equals("switchboard.yaml")).count();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        // when the loaders read the configuration and every workflow, sinks and models checked
        int exit = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("validate", "--config", examples.resolve("switchboard.yaml").toString(), examples.toString());

        // then
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("OK: " + workflows + " workflow(s) valid");
    }

    /** Surefire runs in the module folder; the examples live at the repository root. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("workflows/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (a folder with workflows/pom.xml) above " + Path.of("").toAbsolutePath());
    }
}
