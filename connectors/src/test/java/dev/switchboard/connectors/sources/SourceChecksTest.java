package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.options.OptionGroup;
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

    private List<String> freshdesk(String auth) {
        return messages(new FreshdeskSourceFactory().check(YamlOptions.bind(FreshdeskSourceFactory.Options.class, "auth: " + auth),
                new RecordingEnvironment(dir, Map.of("SET", "value", "WHSEC_BAD", "whsec_***"))));
    }

    @Test
    void should_pass_when_the_secret_is_set() {
        assertThat(freshdesk("{scheme: shared-secret, secret_env: SET}")).isEmpty();
    }

    @Test
    void should_name_the_variable_when_the_secret_is_not_set() {
        assertThat(freshdesk("{secret_env: UNSET}"))
                .containsExactly("Missing secret at auth.secret_env: environment variable 'UNSET' is not set. Set it to the Standard Webhooks secret (whsec_…)");
    }

    @Test
    void should_refuse_a_scheme_the_vendor_cannot_use() {
        assertThat(freshdesk("{scheme: github, secret_env: SET}"))
                .containsExactly("Unsupported scheme at auth.scheme: got 'github', expected basic, shared-secret, standard-webhooks for a freshdesk source");
    }

    @Test
    void should_ask_for_one_secret_when_both_or_none_are_given() {
        assertThat(freshdesk("{secret_env: SET, secret_file: secret.txt}")).singleElement().asString().startsWith("Two secrets at auth");
        assertThat(freshdesk("{}")).singleElement().asString().startsWith("Missing secret at auth:");
    }

    @Test
    void should_read_the_secret_from_a_file_relative_to_the_configuration() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "  from-a-file\n");
        assertThat(freshdesk("{secret_file: secret.txt}")).isEmpty();
        assertThat(freshdesk("{secret_file: missing.txt}")).singleElement().asString().startsWith("Missing secret at auth.secret_file");
    }

    @Test
    void should_refuse_a_standard_webhooks_secret_that_is_not_base64() {
        assertThat(freshdesk("{secret_env: WHSEC_BAD}")).singleElement().asString().startsWith("Invalid secret at auth.secret_env");
    }

    @Test
    void should_ask_for_a_username_when_the_scheme_is_basic() {
        assertThat(freshdesk("{scheme: basic, secret_env: SET}"))
                .containsExactly("Missing username at auth.username: basic authentication needs the user name the sender presents");
    }

    @Test
    void should_name_the_entry_when_a_network_is_invalid() {
        assertThat(freshdesk("{scheme: shared-secret, secret_env: SET, allowed_networks: [10.0.0.0/8, intranet]}"))
                .singleElement().asString().startsWith("Invalid network at auth.allowed_networks[1]");
    }

    @Test
    void should_refuse_a_relative_path() {
        assertThat(messages(new ZendeskSourceFactory().check(YamlOptions.bind(ZendeskSourceFactory.Options.class, """
                path: webhooks/zendesk
                auth: {secret_env: SET}
                """), new RecordingEnvironment(dir, Map.of("SET", "v")))))
                .containsExactly("Invalid path at path: got 'webhooks/zendesk', expected an absolute path such as /webhooks/zendesk");
    }

    /** A source whose listener group is used without giving the vendor's default path. */
    record NoDefaultPath(@OptionGroup WebhookListener.Json listener) implements WebhookSourceOptions {
    }

    @Test
    void should_refuse_to_make_a_webhook_source_factory_whose_listener_has_no_default_path() {
        assertThatThrownBy(() -> new WebhookSourceFactory<>(NoDefaultPath.class, GitHubIssuesSource.WEBHOOK, (name, options, environment) -> null) {
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("NoDefaultPath gives its listener no default path");
    }

    @Test
    void should_listen_where_the_vendor_posts_unless_the_path_is_given() {
        assertThat(YamlOptions.bind(ZendeskSourceFactory.Options.class, "auth: {secret_env: SET}").path()).isEqualTo("/webhooks/zendesk");
        assertThat(YamlOptions.bind(MailgunInboundSourceFactory.Options.class, "auth: {secret_env: SET}").path())
                .isEqualTo("/webhooks/mailgun/inbound");
        assertThat(YamlOptions.bind(ZendeskSourceFactory.Options.class, "{path: /zd, auth: {secret_env: SET}}").path()).isEqualTo("/zd");
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
