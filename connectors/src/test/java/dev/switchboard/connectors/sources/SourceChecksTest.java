package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.sources.auth.WebhookAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `switchboard validate` says about a webhook source's options, one rule per test. */
class SourceChecksTest {

    @TempDir
    Path dir;

    private List<String> freshdesk(WebhookAuth auth) {
        return messages(new FreshdeskSource().check(new FreshdeskSource.Options(null, null, auth, null, null),
                new RecordingEnvironment(dir, Map.of("SET", "value", "WHSEC_BAD", "whsec_***"))));
    }

    private static WebhookAuth auth(String scheme, String env, String file) {
        return new WebhookAuth(scheme, env, file, null, null, null, null);
    }

    @Test
    void should_pass_when_the_secret_is_set() {
        assertThat(freshdesk(auth("shared-secret", "SET", null))).isEmpty();
    }

    @Test
    void should_name_the_variable_when_the_secret_is_not_set() {
        assertThat(freshdesk(auth(null, "UNSET", null)))
                .containsExactly("Missing secret at auth.secret_env: environment variable 'UNSET' is not set. Set it to the Standard Webhooks secret (whsec_…)");
    }

    @Test
    void should_refuse_a_scheme_the_vendor_cannot_use() {
        assertThat(freshdesk(auth("github", "SET", null)))
                .containsExactly("Unsupported scheme at auth.scheme: got 'github', expected basic, shared-secret, standard-webhooks for a freshdesk source");
    }

    @Test
    void should_ask_for_one_secret_when_both_or_none_are_given() {
        assertThat(freshdesk(auth(null, "SET", "secret.txt"))).singleElement().asString().startsWith("Two secrets at auth");
        assertThat(freshdesk(auth(null, null, null))).singleElement().asString().startsWith("Missing secret at auth:");
    }

    @Test
    void should_read_the_secret_from_a_file_relative_to_the_configuration() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "  from-a-file\n");
        assertThat(freshdesk(auth(null, null, "secret.txt"))).isEmpty();
        assertThat(freshdesk(auth(null, null, "missing.txt"))).singleElement().asString().startsWith("Missing secret at auth.secret_file");
    }

    @Test
    void should_refuse_a_standard_webhooks_secret_that_is_not_base64() {
        assertThat(freshdesk(auth(null, "WHSEC_BAD", null))).singleElement().asString().startsWith("Invalid secret at auth.secret_env");
    }

    @Test
    void should_ask_for_a_username_when_the_scheme_is_basic() {
        assertThat(freshdesk(auth("basic", "SET", null)))
                .containsExactly("Missing username at auth.username: basic authentication needs the user name the sender presents");
    }

    @Test
    void should_name_the_entry_when_a_network_is_invalid() {
        assertThat(freshdesk(new WebhookAuth("shared-secret", "SET", null, null, null, null, List.of("10.0.0.0/8", "intranet"))))
                .singleElement().asString().startsWith("Invalid network at auth.allowed_networks[1]");
    }

    @Test
    void should_refuse_a_relative_path() {
        assertThat(messages(new ZendeskSource().check(new ZendeskSource.Options("webhooks/zendesk", null, auth(null, "SET", null), null, null),
                new RecordingEnvironment(dir, Map.of("SET", "v")))))
                .containsExactly("Invalid path at path: got 'webhooks/zendesk', expected an absolute path such as /webhooks/zendesk");
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
