package dev.switchboard.schemas.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class AllowedFoldersTest {

    @TempDir
    Path dir;

    private Path config;
    private Path outside;
    private AllowedFolders allowed;

    @BeforeEach
    void folders() throws IOException {
        config = Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(config.resolve("workflows"));
        Files.writeString(Files.createDirectories(config.resolve("data")).resolve("companies.csv"), "domain\nacme.com\n");
        outside = Files.writeString(dir.resolve("secret.txt"), "sk-live-123");
        allowed = AllowedFolders.of(List.of(config));
    }

    @Test
    void should_resolve_against_the_folder_of_the_file_that_names_it() throws IOException {
        // when a workflow in config/workflows names ../data/companies.csv, which stays inside
        Path resolved = allowed.resolve(config.resolve("workflows"), "../data/companies.csv");

        // then
        assertThat(resolved).isEqualTo(config.resolve("data/companies.csv").toRealPath());
        assertThat(allowed.resolve(config, "data/not-yet-there.csv")).isEqualTo(config.resolve("data/not-yet-there.csv"));
    }

    @Test
    void should_refuse_absolute_paths() {
        for (String absolute : List.of(outside.toString(), "/etc/passwd", "~/secret.txt", "")) {
            assertThatThrownBy(() -> allowed.resolve(config, absolute)).as(absolute)
                    .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Absolute path");
        }
    }

    @Test
    void should_refuse_a_dot_dot_escape() {
        assertThatThrownBy(() -> allowed.resolve(config.resolve("workflows"), "../../secret.txt"))
                .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Path outside the allowed folders");
        assertThatThrownBy(() -> allowed.resolve(config, "data/../../config-other/x.csv"))
                .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Path outside the allowed folders");
    }

    @Test
    void should_refuse_a_symbolic_link_that_leads_out() throws IOException {
        // given a link to the secret, and a linked folder, inside the configuration folder
        Files.createSymbolicLink(config.resolve("data/link.csv"), outside);
        Files.createSymbolicLink(config.resolve("elsewhere"), dir);

        // when / then
        assertThatThrownBy(() -> allowed.resolve(config, "data/link.csv"))
                .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Symbolic link out of the allowed folders");
        assertThatThrownBy(() -> allowed.resolve(config, "elsewhere/secret.txt"))
                .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Symbolic link out of the allowed folders");
        assertThatThrownBy(() -> allowed.resolve(config, "elsewhere/not-there.txt"))
                .isInstanceOf(AllowedFolders.RefusedPathException.class).hasMessage("Symbolic link out of the allowed folders");
    }

    @Test
    void should_accept_a_symbolic_link_that_stays_inside_and_a_second_allowed_folder() throws IOException {
        // given
        Files.createSymbolicLink(config.resolve("current.csv"), config.resolve("data/companies.csv"));
        Path shared = Files.writeString(Files.createDirectories(dir.resolve("shared")).resolve("kb.md"), "# KB");
        AllowedFolders two = AllowedFolders.of(List.of(config, dir.resolve("shared")));

        // when / then
        assertThat(allowed.resolve(config, "current.csv")).isEqualTo(config.resolve("data/companies.csv").toRealPath());
        assertThat(two.resolve(config.resolve("workflows"), "../../shared/kb.md")).isEqualTo(shared.toRealPath());
    }

    @Test
    void should_describe_a_parse_failure_without_quoting_the_file() {
        // given what the parsers say about a file holding a secret
        Exception json = catchJson("{\"token\": sk-live-SECRET}");
        Exception yaml = catchYaml("token: [sk-live-SECRET");

        // when / then
        assertThat(FileErrors.describe(json)).startsWith("it is not valid JSON at line 1").doesNotContain("SECRET");
        assertThat(FileErrors.describe(yaml)).startsWith("it is not valid YAML at line").doesNotContain("SECRET");
        assertThat(json.getMessage()).contains("sk"); // what the parser itself would have printed
        assertThat(yaml.getMessage()).contains("SECRET");
    }

    private static Exception catchJson(String text) {
        try {
            new ObjectMapper().readTree(text);
            throw new AssertionError("parsed");
        } catch (IOException e) {
            return e;
        }
    }

    private static Exception catchYaml(String text) {
        try {
            new Yaml().load(text);
            throw new AssertionError("parsed");
        } catch (RuntimeException e) {
            return e;
        }
    }
}
