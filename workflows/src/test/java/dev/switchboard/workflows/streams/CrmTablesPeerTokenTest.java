package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.HttpIngress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /internal/crm/lookup} answers only a caller with the peer token. "From loopback" proves
 * nothing: behind a sidecar proxy every request comes from 127.0.0.1. Without a configured token each
 * process makes up its own, so no caller at all gets past the check.
 */
class CrmTablesPeerTokenTest {

    private static final String SHARED = "s3cr3t-peer-token";

    @ParameterizedTest(name = "configured {0}, from {1}, sent ''{2}'' -> {3}")
    @CsvSource(nullValues = "none", value = {
            "none,   127.0.0.1, none,                     403",
            "none,   ::1,       none,                     403",
            "none,   127.0.0.1, Bearer ,                  403",
            "none,   127.0.0.1, Bearer s3cr3t-peer-token, 403",
            "shared, 127.0.0.1, none,                     403",
            "shared, 127.0.0.1, Bearer wrong,             403",
            "shared, 127.0.0.1, Bearer s3cr3t-peer-token, 400",
            "shared, 10.1.2.3,  Bearer s3cr3t-peer-token, 400"})
    void should_refuse_a_lookup_without_the_peer_token_whatever_address_it_comes_from(String configured, String from, String authorization,
                                                                                     int status) {
        // given
        CrmTables tables = new CrmTables(Duration.ofSeconds(1), () -> Optional.ofNullable(configured == null ? null : SHARED));
        Map<String, List<String>> headers = authorization == null ? Map.of() : Map.of("authorization", List.of(authorization));

        // when (no store named: past the token check, the answer is 400)
        HttpIngress.Response response = tables.handle(new HttpIngress.Request("GET", CrmTables.PATH, headers, Map.of(), new byte[0], from));

        // then
        assertThat(response.status()).isEqualTo(status);
    }
}
