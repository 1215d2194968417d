package dev.switchboard.workflows.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code http:} and {@code admin:} sections: the admin port that follows http's, the deprecated token key, TLS. */
class ListenerSettingsTest {

    private static EngineConfig load(String yaml) {
        EngineConfigLoader.Result result = EngineConfigLoader.standard(name -> java.util.Optional.empty())
                .parse("switchboard.yaml", yaml, Path.of("/etc/switchboard"));
        assertThat(result.problems()).isEmpty();
        return result.config();
    }

    @ParameterizedTest
    @CsvSource({"'', 8081", "'http: {port: 9000}', 9001", "'http: {port: 0}', 0", "'http: {port: -1}', -1",
            "'http: {port: -1}\nadmin: {port: 7000}', 7000", "'admin: {port: -1}', -1"})
    void should_follow_the_public_port_when_admin_port_is_unset(String yaml, int expected) {
        // when
        EngineConfig config = load(yaml);

        // then
        assertThat(config.admin().effectivePort(config.http())).isEqualTo(expected);
    }

    @Test
    void should_read_the_admin_token_from_admin_and_the_deprecated_http_key_when_set() {
        assertThat(load("").adminTokenEnv()).isEqualTo("SWITCHBOARD_ADMIN_TOKEN");
        assertThat(load("admin: {token_env: OPS_TOKEN}").adminTokenEnv()).isEqualTo("OPS_TOKEN");
        assertThat(load("http: {admin_token_env: OLD_TOKEN}").adminTokenEnv()).isEqualTo("OLD_TOKEN");
    }

    @Test
    void should_default_to_loopback_and_localhost_when_admin_is_not_configured() {
        // when
        AdminSettings admin = load("").admin();

        // then
        assertThat(admin.host()).isEqualTo("127.0.0.1");
        assertThat(admin.allowedHosts()).containsExactly("localhost");
        assertThat(admin.listener().headerTimeoutSeconds()).isEqualTo(10);
        assertThat(admin.listener().tls()).isNull();
    }

    @Test
    void should_report_the_missing_key_file_when_tls_names_only_a_certificate() {
        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard(name -> java.util.Optional.empty())
                .parse("switchboard.yaml", "http:\n  tls: {cert_file: tls.crt}\n", Path.of("/etc/switchboard"));

        // then
        assertThat(result.problems()).singleElement().satisfies(problem -> assertThat(problem.toString()).contains("key_file"));
    }
}
