package dev.switchboard.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OutboundPolicyTest {

    /** Allowed: the URL may be called. Refused: the reason contains {@code reason}. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // scheme
                allowed("https on an allowed host", Set.of("hooks.example.com"), "https://hooks.example.com/triage"),
                allowed("http on an allowed host", Set.of("127.0.0.1"), "http://127.0.0.1/hook"),
                allowed("scheme and host in upper case", Set.of("hooks.example.com"), "HTTPS://HOOKS.EXAMPLE.COM/triage"),
                refused("file scheme", Set.of("hooks.example.com"), "file:///etc/passwd", "Refused URL scheme 'file'"),
                refused("ftp scheme", Set.of("hooks.example.com"), "ftp://hooks.example.com/x", "Refused URL scheme 'ftp'"),
                refused("jar scheme", Set.of("hooks.example.com"), "jar:file:/tmp/a.jar!/x", "Refused URL scheme 'jar'"),
                refused("relative URL", Set.of("hooks.example.com"), "/webhook/triage", "Refused URL scheme ''"),
                refused("no host", Set.of("hooks.example.com"), "http:///webhook", "without a host"),
                // host and host:port
                refused("host not listed", Set.of("hooks.example.com"), "https://evil.example.org/x", "is not in outbound.allowed_hosts"),
                refused("empty allow list", Set.of(), "https://hooks.example.com/x", "is not in outbound.allowed_hosts"),
                allowed("host:port with that port", Set.of("127.0.0.1:8080"), "http://127.0.0.1:8080/hook"),
                refused("host:port with another port", Set.of("127.0.0.1:8080"), "http://127.0.0.1:8081/hook", "'127.0.0.1:8081' is not in"),
                allowed("host:443 with the https default port", Set.of("hooks.example.com:443"), "https://hooks.example.com/x"),
                refused("host:443 with the http default port", Set.of("hooks.example.com:443"), "http://hooks.example.com/x", "'hooks.example.com:80' is not in"),
                allowed("host without port allows any port", Set.of("127.0.0.1"), "http://127.0.0.1:9999/hook"),
                allowed("IPv6 literal with port", Set.of("[::1]:8080"), "http://[::1]:8080/hook"),
                refused("user info does not change the host", Set.of("127.0.0.1"), "http://127.0.0.1@evil.example.org/x", "'evil.example.org:80' is not in"),
                // wildcard
                allowed("wildcard subdomain", Set.of("*.example.com"), "https://hooks.example.com/x"),
                allowed("wildcard deeper subdomain", Set.of("*.example.com"), "https://a.b.example.com/x"),
                refused("wildcard does not match the bare domain", Set.of("*.example.com"), "https://example.com/x", "is not in"),
                refused("wildcard does not match a suffix without a dot", Set.of("*.example.com"), "https://evilexample.com/x", "is not in"),
                refused("wildcard does not match a prefix", Set.of("*.example.com"), "https://example.com.evil.org/x", "is not in"),
                allowed("wildcard with port", Set.of("*.example.com:8443"), "https://hooks.example.com:8443/x"),
                refused("wildcard with another port", Set.of("*.example.com:8443"), "https://hooks.example.com/x", "is not in"),
                // link-local, wildcard and multicast addresses, even when listed
                refused("cloud metadata address", Set.of("169.254.169.254"), "http://169.254.169.254/latest/meta-data", "link-local"),
                refused("IPv6 link-local", Set.of("[fe80::1]"), "http://[fe80::1]/x", "link-local"),
                refused("any-local address", Set.of("0.0.0.0"), "http://0.0.0.0/x", "0.0.0.0"),
                refused("multicast address", Set.of("224.0.0.1"), "http://224.0.0.1/x", "multicast"),
                refused("metadata address as one decimal number", Set.of("2852039166"), "http://2852039166/latest", "link-local"),
                refused("metadata address mapped into IPv6", Set.of("[::ffff:169.254.169.254]"), "http://[::ffff:169.254.169.254]/x", "link-local"),
                refused("AWS metadata over IPv6", Set.of("[fd00:ec2::254]"), "http://[fd00:ec2::254]/latest/meta-data", "cloud metadata"),
                refused("Alibaba Cloud metadata", Set.of("100.100.100.200"), "http://100.100.100.200/latest/meta-data", "cloud metadata"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void should_decide_as_expected_when_checking_url(String name, Set<String> allowedHosts, String url, String reason) {
        // given
        OutboundPolicy policy = new OutboundPolicy(allowedHosts);

        // when
        Optional<String> refusal = policy.refusal(URI.create(url));

        // then
        if (reason == null) {
            assertThat(refusal).as("refusal of %s with %s", url, allowedHosts).isEmpty();
        } else {
            assertThat(refusal).as("refusal of %s with %s", url, allowedHosts).hasValueSatisfying(text -> assertThat(text).contains(reason));
        }
    }

    static Stream<Arguments> redactions() {
        return Stream.of(
                Arguments.of("https://user:secret@hooks.example.com:8443/hook?token=abc&x=1#frag", "https://hooks.example.com:8443/hook"),
                Arguments.of("https://hooks.example.com/hook?token=abc", "https://hooks.example.com/hook"),
                Arguments.of("http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080/a/b"),
                Arguments.of("https://hooks.example.com", "https://hooks.example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redactions")
    void should_drop_query_and_user_info_when_redacting(String url, String expected) {
        // given
        URI uri = URI.create(url);

        // when
        String redacted = OutboundPolicy.redact(uri);

        // then
        assertThat(redacted).isEqualTo(expected);
    }

    @Test
    void should_not_reveal_query_or_user_info_when_refusing_host() {
        // given
        OutboundPolicy policy = new OutboundPolicy(Set.of("hooks.example.com"));

        // when
        Optional<String> refusal = policy.refusal(URI.create("https://admin:hunter2@evil.example.org/x?token=s3cr3t"));

        // then
        assertThat(refusal).hasValueSatisfying(text -> assertThat(text)
                .contains("https://evil.example.org/x")
                .doesNotContain("s3cr3t")
                .doesNotContain("hunter2"));
    }

    private static Arguments allowed(String name, Set<String> allowedHosts, String url) {
        return Arguments.of(name, allowedHosts, url, null);
    }

    private static Arguments refused(String name, Set<String> allowedHosts, String url, String reason) {
        return Arguments.of(name, allowedHosts, url, reason);
    }
}
