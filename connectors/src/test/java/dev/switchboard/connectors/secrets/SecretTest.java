package dev.switchboard.connectors.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.options.OptionProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

    private static final Function<String, Optional<String>> ENVIRONMENT = name -> Optional.ofNullable(Map.of("TOKEN", "  t0ken\n").get(name));

    @TempDir
    Path dir;

    @Test
    void should_read_stripped_value_when_environment_variable_is_set() {
        // when
        Optional<String> value = Secret.of("token", "TOKEN", null, dir, ENVIRONMENT).orElseThrow().value();

        // then
        assertThat(value).contains("t0ken");
    }

    @Test
    void should_read_file_again_when_it_changes() throws IOException {
        // given
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        Secret secret = Secret.of("token", null, "token", dir, ENVIRONMENT).orElseThrow();

        // when
        String first = secret.value().orElseThrow();
        Files.writeString(file, "second");
        String second = secret.value().orElseThrow();

        // then
        assertThat(first).isEqualTo("first");
        assertThat(second).isEqualTo("second");
    }

    @Test
    void should_be_absent_when_neither_option_is_given() {
        // then
        assertThat(Secret.of("token", null, null, dir, ENVIRONMENT)).isEmpty();
    }

    @Test
    void should_report_every_kind_of_problem_without_the_value() throws IOException {
        // given
        Files.writeString(dir.resolve("blank"), "  \n");

        // when
        List<OptionProblem> both = Secret.check("token", "TOKEN", "token", true, dir, ENVIRONMENT);
        List<OptionProblem> neither = Secret.check("token", null, null, true, dir, ENVIRONMENT);
        List<OptionProblem> optional = Secret.check("secret", null, null, false, dir, ENVIRONMENT);
        List<OptionProblem> unset = Secret.check("token", "UNSET", null, true, dir, ENVIRONMENT);
        List<OptionProblem> blank = Secret.check("token", null, "blank", true, dir, ENVIRONMENT);
        List<OptionProblem> good = Secret.check("token", "TOKEN", null, true, dir, ENVIRONMENT);

        // then
        assertThat(both).singleElement().asString().contains("Conflicting options at token_env");
        assertThat(neither).singleElement().asString().contains("Missing secret at token_env").contains("token_file");
        assertThat(optional).isEmpty();
        assertThat(unset).singleElement().asString().contains("'UNSET' is not set");
        assertThat(blank).singleElement().asString().contains("Missing secret at token_file").contains("blank");
        assertThat(good).isEmpty();
        assertThat(Secret.of("token", "TOKEN", null, dir, ENVIRONMENT).orElseThrow().describe())
                .isEqualTo("environment variable 'TOKEN' (token_env)").doesNotContain("t0ken");
    }

    @Test
    void should_redact_longer_secret_first_when_one_contains_another() {
        // given
        Redactor redactor = Redactor.of("abc", "xxabcxx", null, " ");

        // when
        String text = redactor.redact("token xxabcxx and abc");

        // then
        assertThat(text).isEqualTo("token [redacted] and [redacted]");
        assertThat(Redactor.none().redact("abc")).isEqualTo("abc");
    }
}
