package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's users file: tokens by hash, roles, and the messages of a wrong file. */
class ConsoleUsersTest {

    @TempDir
    Path dir;

    @Test
    void should_sign_in_each_user_with_their_role_when_the_token_matches_its_hash() throws Exception {
        // given the admin token and a users file with a reviewer
        Path file = Files.writeString(dir.resolve("users.yaml"), "users:\n  - name: ria\n    role: reviewer\n    token_sha256: "
                + HexFormat.of().formatHex(ConsoleUsers.sha256("ria-token")) + "\n");
        ConsoleUsers users = ConsoleUsers.load("admin-token", file);

        // then each token signs in its user, and nothing else signs anyone in
        assertThat(users.signIn("ria-token")).contains(new ConsoleUser("ria", Role.REVIEWER));
        assertThat(users.signIn("admin-token")).contains(new ConsoleUser("admin", Role.OPERATOR));
        assertThat(users.signIn("ria-token ")).isEmpty();
        assertThat(users.signIn("")).isEmpty();
        assertThat(Role.REVIEWER.allows(Role.VIEWER)).isTrue();
        assertThat(Role.REVIEWER.allows(Role.OPERATOR)).isFalse();
    }

    @Test
    void should_name_the_entry_and_the_fix_when_a_role_is_unknown() throws Exception {
        Path file = Files.writeString(dir.resolve("users.yaml"), "users:\n  - name: ria\n    role: admin\n    token_sha256: "
                + "a".repeat(64) + "\n");

        assertThatThrownBy(() -> ConsoleUsers.load(null, file)).hasMessageContaining("Unknown role at " + file + ": users[0].role: got 'admin', "
                + "expected one of viewer, reviewer, operator");
    }

    @Test
    void should_say_how_to_hash_a_token_when_the_hash_is_not_sha256_hex() throws Exception {
        Path file = Files.writeString(dir.resolve("users.yaml"), "users:\n  - name: ria\n    role: viewer\n    token_sha256: plain-token\n");

        assertThatThrownBy(() -> ConsoleUsers.load(null, file)).hasMessageContaining("expected 64 hex digits")
                .hasMessageContaining("sha256sum").hasMessageNotContaining("plain-token");
    }
}
