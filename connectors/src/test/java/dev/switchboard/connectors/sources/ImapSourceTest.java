package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImapSourceTest {

    private static final ImapSourceFactory FACTORY = new ImapSourceFactory();

    @TempDir
    Path dir;

    /** Options with the given values written in the file (null: not written). */
    private static ImapSourceFactory.Options options(String protocol, Boolean starttls, String passwordEnv, String afterProcessing,
                                                     String moveTo, String keyword) {
        return YamlOptions.bind(ImapSourceFactory.Options.class, """
                host: imap.example.com
                username: support@example.com
                protocol: %s
                starttls: %s
                password_env: %s
                after_processing: %s
                move_to: %s
                keyword: %s
                """.formatted(protocol, starttls, passwordEnv, afterProcessing, quoted(moveTo), quoted(keyword)));
    }

    private static String quoted(String value) {
        return value == null ? null : "'" + value + "'";
    }

    private List<String> problems(ImapSourceFactory.Options options) {
        return messages(FACTORY.check(options, new RecordingEnvironment(dir, Map.of("IMAP_PASSWORD", "s3cret"))));
    }

    @Test
    void should_accept_when_each_mode_has_what_it_needs() {
        assertThat(problems(options(null, null, "IMAP_PASSWORD", null, null, null))).isEmpty();
        assertThat(problems(options("imap", true, "IMAP_PASSWORD", "move", "Archive/Switchboard", null))).isEmpty();
        assertThat(problems(options("imaps", null, "IMAP_PASSWORD", "keyword", null, "$Switchboard"))).isEmpty();
    }

    @Test
    void should_ask_for_the_folder_when_mail_is_moved_without_move_to() {
        assertThat(problems(options(null, null, "IMAP_PASSWORD", "move", null, null))).containsExactly(
                "Missing folder at move_to: after_processing 'move' needs the folder processed mail goes to. Add e.g. move_to: Archive/Switchboard");
    }

    @Test
    void should_report_every_problem_when_options_contradict_each_other() {
        // when
        List<String> problems = problems(options("imaps", false, "UNSET", "seen", "INBOX", "two words"));

        // then
        assertThat(problems).containsExactlyInAnyOrder(
                "Unused option at move_to: got 'INBOX', but after_processing is 'seen'. Set after_processing: move, or remove move_to",
                "Invalid folder at move_to: got 'INBOX', the folder being read. Choose another folder",
                "Invalid keyword at keyword: got 'two words', expected an IMAP atom of up to 64 characters without spaces, parentheses, "
                        + "braces, quotes, '\\', '%', '*' or ']'. Use e.g. switchboard-processed",
                "Unused option at starttls: got 'false', but protocol 'imaps' always uses TLS. Remove starttls",
                "Missing secret at password_env: environment variable 'UNSET' is not set. Set it to the mailbox password");
    }

    @Test
    void should_require_a_password_when_none_is_given() {
        assertThat(problems(options(null, null, null, null, null, null))).containsExactly(
                "Missing secret at password_env: expected password_env (an environment variable) or password_file (a file) holding the mailbox password");
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
