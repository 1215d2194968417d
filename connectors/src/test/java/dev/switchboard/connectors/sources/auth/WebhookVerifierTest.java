package dev.switchboard.connectors.sources.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.HttpIngress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The authentication matrix, case by case, for every scheme. */
class WebhookVerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final long NOW_S = NOW.getEpochSecond();
    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SECRET = "s3cr3t-for-tests";
    private static final byte[] BODY = "{\"ticket\":{\"id\":\"42\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAMPERED = "{\"ticket\":{\"id\":\"43\"}}".getBytes(StandardCharsets.UTF_8);

    /** One request and the status it must get (0: accepted). */
    record Case(String name, Scheme scheme, String header, HttpIngress.Request request, Map<String, String> form, int expected) {
        @Override
        public String toString() {
            return scheme + ": " + name + " -> " + (expected == 0 ? "accepted" : expected);
        }
    }

    private static Case accepted(String name, Scheme scheme, Requests request) {
        return new Case(name, scheme, null, request.build(), Map.of(), 0);
    }

    private static Case refused(String name, Scheme scheme, int status, Requests request) {
        return new Case(name, scheme, null, request.build(), Map.of(), status);
    }

    private static Requests standard(String id, long timestamp, String signature, byte[] body) {
        Requests request = Requests.post("/events").body(body);
        if (id != null) {
            request.header("webhook-id", id);
        }
        request.header("webhook-timestamp", Long.toString(timestamp));
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        return request;
    }

    private static Requests zendesk(String timestamp, String signature, byte[] body) {
        Requests request = Requests.post("/webhooks/zendesk").body(body);
        if (timestamp != null) {
            request.header("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Zendesk-Webhook-Signature", signature);
        }
        return request;
    }

    static Stream<Case> cases() {
        Scheme sw = Scheme.STANDARD_WEBHOOKS;
        Scheme gh = Scheme.GITHUB;
        Scheme zd = Scheme.ZENDESK;
        Scheme ss = Scheme.SHARED_SECRET;
        Scheme ba = Scheme.BASIC;
        String validSw = Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S, BODY);
        String ts = NOW.toString();
        String old = NOW.minusSeconds(301).toString();
        String future = NOW.plusSeconds(301).toString();
        return Stream.of(
                accepted("valid", sw, standard("msg_1", NOW_S, validSw, BODY)),
                accepted("valid among several (key rotation)", sw, standard("msg_1", NOW_S,
                        Signatures.standardWebhooks("whsec_b2xkIHNlY3JldA==", "msg_1", NOW_S, BODY) + " " + validSw, BODY)),
                accepted("timestamp just inside tolerance", sw, standard("msg_1", NOW_S - 299,
                        Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S - 299, BODY), BODY)),
                refused("missing webhook-id", sw, 401, standard(null, NOW_S, validSw, BODY)),
                refused("missing webhook-signature", sw, 401, standard("msg_1", NOW_S, null, BODY)),
                refused("missing webhook-timestamp", sw, 401, standard("msg_1", NOW_S, validSw, BODY).without("webhook-timestamp")),
                refused("timestamp not a number", sw, 401, standard("msg_1", NOW_S, validSw, BODY).without("webhook-timestamp")
                        .header("webhook-timestamp", "yesterday")),
                refused("wrong secret", sw, 401, standard("msg_1", NOW_S, Signatures.standardWebhooks("whsec_b3RoZXI=", "msg_1", NOW_S, BODY), BODY)),
                refused("tampered body", sw, 401, standard("msg_1", NOW_S, validSw, TAMPERED)),
                refused("id swapped after signing", sw, 401, standard("msg_2", NOW_S, validSw, BODY)),
                refused("unknown signature version", sw, 401, standard("msg_1", NOW_S, validSw.replace("v1,", "v2,"), BODY)),
                refused("signature not base64", sw, 401, standard("msg_1", NOW_S, "v1,@@@", BODY)),
                refused("old timestamp", sw, 403, standard("msg_1", NOW_S - 301, Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S - 301, BODY), BODY)),
                refused("future timestamp", sw, 403, standard("msg_1", NOW_S + 301, Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S + 301, BODY), BODY)),
                refused("old timestamp with a forged signature", sw, 401, standard("msg_1", NOW_S - 3600, validSw, BODY)),

                accepted("valid", gh, Requests.post("/gh").body(BODY).header("X-Hub-Signature-256", Signatures.github(SECRET, BODY))),
                accepted("upper-case hex", gh, Requests.post("/gh").body(BODY).header("X-Hub-Signature-256",
                        "sha256=" + Signatures.github(SECRET, BODY).substring(7).toUpperCase())),
                refused("missing header", gh, 401, Requests.post("/gh").body(BODY)),
                refused("sha1 header only", gh, 401, Requests.post("/gh").body(BODY).header("X-Hub-Signature", "sha1=0123")),
                refused("no sha256= prefix", gh, 401, Requests.post("/gh").body(BODY).header("X-Hub-Signature-256",
                        Signatures.github(SECRET, BODY).substring(7))),
                refused("not hex", gh, 401, Requests.post("/gh").body(BODY).header("X-Hub-Signature-256", "sha256=xyz")),
                refused("wrong secret", gh, 401, Requests.post("/gh").body(BODY).header("X-Hub-Signature-256", Signatures.github("other", BODY))),
                refused("tampered body", gh, 401, Requests.post("/gh").body(TAMPERED).header("X-Hub-Signature-256", Signatures.github(SECRET, BODY))),

                accepted("valid", zd, zendesk(ts, Signatures.zendesk(SECRET, ts, BODY), BODY)),
                refused("missing signature", zd, 401, zendesk(ts, null, BODY)),
                refused("missing timestamp", zd, 401, zendesk(null, Signatures.zendesk(SECRET, ts, BODY), BODY)),
                refused("wrong secret", zd, 401, zendesk(ts, Signatures.zendesk("other", ts, BODY), BODY)),
                refused("tampered body", zd, 401, zendesk(ts, Signatures.zendesk(SECRET, ts, BODY), TAMPERED)),
                refused("timestamp changed after signing", zd, 401, zendesk(old, Signatures.zendesk(SECRET, ts, BODY), BODY)),
                refused("timestamp not ISO-8601", zd, 401, zendesk("1772445600", Signatures.zendesk(SECRET, "1772445600", BODY), BODY)),
                refused("old timestamp", zd, 403, zendesk(old, Signatures.zendesk(SECRET, old, BODY), BODY)),
                refused("future timestamp", zd, 403, zendesk(future, Signatures.zendesk(SECRET, future, BODY), BODY)),

                accepted("valid bearer", ss, Requests.post("/x").body(BODY).header("Authorization", "Bearer " + SECRET)),
                refused("missing header", ss, 401, Requests.post("/x").body(BODY)),
                refused("wrong secret", ss, 401, Requests.post("/x").body(BODY).header("Authorization", "Bearer nope")),
                refused("secret without Bearer", ss, 401, Requests.post("/x").body(BODY).header("Authorization", SECRET)),
                refused("secret as a prefix", ss, 401, Requests.post("/x").body(BODY).header("Authorization", "Bearer " + SECRET + "x")),

                accepted("valid", ba, Requests.post("/x").body(BODY).header("Authorization", Signatures.basic("sendgrid", SECRET))),
                accepted("scheme name in lower case", ba, Requests.post("/x").body(BODY).header("Authorization",
                        Signatures.basic("sendgrid", SECRET).replace("Basic", "basic"))),
                refused("missing header", ba, 401, Requests.post("/x").body(BODY)),
                refused("wrong password", ba, 401, Requests.post("/x").body(BODY).header("Authorization", Signatures.basic("sendgrid", "nope"))),
                refused("wrong user", ba, 401, Requests.post("/x").body(BODY).header("Authorization", Signatures.basic("mallory", SECRET))),
                refused("bearer instead of basic", ba, 401, Requests.post("/x").body(BODY).header("Authorization", "Bearer " + SECRET)),
                refused("not base64", ba, 401, Requests.post("/x").body(BODY).header("Authorization", "Basic !!!")));
    }

    private static Requests zoom(Long timestamp, String signature, byte[] body) {
        Requests request = Requests.post("/webhooks/zoom").body(body);
        if (timestamp != null) {
            request.header("x-zm-request-timestamp", Long.toString(timestamp));
        }
        if (signature != null) {
            request.header("x-zm-signature", signature);
        }
        return request;
    }

    static Stream<Case> zoomCases() {
        Scheme zm = Scheme.ZOOM;
        String valid = Signatures.zoom(SECRET, NOW_S, BODY);
        return Stream.of(
                accepted("valid", zm, zoom(NOW_S, valid, BODY)),
                accepted("upper-case hex", zm, zoom(NOW_S, "v0=" + valid.substring(3).toUpperCase(), BODY)),
                refused("missing signature", zm, 401, zoom(NOW_S, null, BODY)),
                refused("missing timestamp", zm, 401, zoom(null, valid, BODY)),
                refused("no v0= prefix", zm, 401, zoom(NOW_S, valid.substring(3), BODY)),
                refused("not hex", zm, 401, zoom(NOW_S, "v0=xyz", BODY)),
                refused("wrong secret", zm, 401, zoom(NOW_S, Signatures.zoom("other", NOW_S, BODY), BODY)),
                refused("tampered body", zm, 401, zoom(NOW_S, valid, TAMPERED)),
                refused("timestamp changed after signing", zm, 401, zoom(NOW_S - 1, valid, BODY)),
                refused("old timestamp", zm, 403, zoom(NOW_S - 301, Signatures.zoom(SECRET, NOW_S - 301, BODY), BODY)),
                refused("future timestamp", zm, 403, zoom(NOW_S + 301, Signatures.zoom(SECRET, NOW_S + 301, BODY), BODY)));
    }

    @Test
    void should_refuse_with_409_when_a_zoom_request_is_replayed_whatever_the_case_of_its_hex() {
        // given
        WebhookVerifier verifier = verifier(Scheme.ZOOM, ReplayGuard.inMemory(CLOCK));
        String signature = Signatures.zoom(SECRET, NOW_S, BODY);
        ((WebhookVerifier.Verified) verifier.verify(zoom(NOW_S, signature, BODY).build(), name -> null)).reservation().commit();

        // when the same request comes again, once as it was and once spelled in upper case
        WebhookVerifier.Verdict again = verifier.verify(zoom(NOW_S, signature, BODY).build(), name -> null);
        WebhookVerifier.Verdict respelled = verifier.verify(zoom(NOW_S, "v0=" + signature.substring(3).toUpperCase(), BODY).build(), name -> null);

        // then
        assertThat(List.of(again, respelled)).allSatisfy(verdict -> assertThat(verdict)
                .isEqualTo(new WebhookVerifier.Refused(409, "Replayed delivery: this x-zm-signature was already accepted (or is being processed)")));
    }

    static Stream<Case> mailgunCases() {
        String token = "b2c1f7e6a0d94a7d9d3f1e5c2a8b7c6d5e4f3a2b1c0d9e8f7a";
        String ts = Long.toString(NOW_S);
        String old = Long.toString(NOW_S - 301);
        String future = Long.toString(NOW_S + 301);
        Function<Map<String, String>, Case> ok = form -> new Case("valid", Scheme.MAILGUN, null, Requests.post("/mg").build(), form, 0);
        return Stream.of(
                ok.apply(Map.of("timestamp", ts, "token", token, "signature", Signatures.mailgun(SECRET, ts, token))),
                mailgun("missing signature", 401, Map.of("timestamp", ts, "token", token)),
                mailgun("missing token", 401, Map.of("timestamp", ts, "signature", Signatures.mailgun(SECRET, ts, token))),
                mailgun("wrong key", 401, Map.of("timestamp", ts, "token", token, "signature", Signatures.mailgun("other", ts, token))),
                mailgun("token changed after signing", 401, Map.of("timestamp", ts, "token", token + "x", "signature", Signatures.mailgun(SECRET, ts, token))),
                mailgun("old timestamp", 403, Map.of("timestamp", old, "token", token, "signature", Signatures.mailgun(SECRET, old, token))),
                mailgun("future timestamp", 403, Map.of("timestamp", future, "token", token, "signature", Signatures.mailgun(SECRET, future, token))));
    }

    private static Case mailgun(String name, int status, Map<String, String> form) {
        return new Case(name, Scheme.MAILGUN, null, Requests.post("/mg").build(), form, status);
    }

    private static WebhookVerifier verifier(Scheme scheme, ReplayGuard replays) {
        String secret = scheme == Scheme.STANDARD_WEBHOOKS ? WHSEC : SECRET;
        return WebhookVerifier.create(scheme, secret, null, "sendgrid", Duration.ofSeconds(300), replays, CLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"cases", "mailgunCases", "zoomCases"})
    void should_answer_the_expected_status_when_a_request_is_verified(Case testCase) {
        // given
        WebhookVerifier verifier = verifier(testCase.scheme(), ReplayGuard.inMemory(CLOCK));

        // when
        WebhookVerifier.Verdict verdict = verifier.verify(testCase.request(), testCase.form()::get);

        // then
        if (testCase.expected() == 0) {
            assertThat(verdict).isInstanceOf(WebhookVerifier.Verified.class);
        } else {
            assertThat(verdict).isInstanceOfSatisfying(WebhookVerifier.Refused.class, refused -> {
                assertThat(refused.status()).isEqualTo(testCase.expected());
                assertThat(refused.reason()).doesNotContain(SECRET).doesNotContain(WHSEC);
            });
        }
    }

    @Test
    void should_refuse_with_409_when_an_accepted_standard_webhooks_id_is_replayed() {
        // given
        WebhookVerifier verifier = verifier(Scheme.STANDARD_WEBHOOKS, ReplayGuard.inMemory(CLOCK));
        HttpIngress.Request request = standard("msg_1", NOW_S, Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S, BODY), BODY).build();
        ((WebhookVerifier.Verified) verifier.verify(request, name -> null)).reservation().commit();

        // when
        WebhookVerifier.Verdict again = verifier.verify(request, name -> null);

        // then
        assertThat(again).isEqualTo(new WebhookVerifier.Refused(409, "Replayed delivery: webhook-id 'msg_1' was already accepted (or is being processed)"));
    }

    @Test
    void should_refuse_with_409_when_the_same_id_arrives_while_the_first_is_in_flight() {
        // given
        WebhookVerifier verifier = verifier(Scheme.STANDARD_WEBHOOKS, ReplayGuard.inMemory(CLOCK));
        HttpIngress.Request request = standard("msg_1", NOW_S, Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S, BODY), BODY).build();
        assertThat(verifier.verify(request, name -> null)).isInstanceOf(WebhookVerifier.Verified.class);

        // when
        WebhookVerifier.Verdict concurrent = verifier.verify(request, name -> null);

        // then
        assertThat(concurrent).extracting(verdict -> ((WebhookVerifier.Refused) verdict).status()).isEqualTo(409);
    }

    @Test
    void should_accept_the_retry_when_the_first_delivery_was_released_after_a_failure() {
        // given a delivery that failed after verification (Kafka did not acknowledge)
        WebhookVerifier verifier = verifier(Scheme.STANDARD_WEBHOOKS, ReplayGuard.inMemory(CLOCK));
        HttpIngress.Request request = standard("msg_1", NOW_S, Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S, BODY), BODY).build();
        ((WebhookVerifier.Verified) verifier.verify(request, name -> null)).reservation().release();

        // when the sender retries with the same id
        WebhookVerifier.Verdict retry = verifier.verify(request, name -> null);

        // then
        assertThat(retry).isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void should_refuse_with_409_when_a_zendesk_request_is_replayed() {
        // given
        WebhookVerifier verifier = verifier(Scheme.ZENDESK, ReplayGuard.inMemory(CLOCK));
        HttpIngress.Request request = zendesk(NOW.toString(), Signatures.zendesk(SECRET, NOW.toString(), BODY), BODY).build();
        ((WebhookVerifier.Verified) verifier.verify(request, name -> null)).reservation().commit();

        // when
        WebhookVerifier.Verdict again = verifier.verify(request, name -> null);

        // then
        assertThat(again).extracting(verdict -> ((WebhookVerifier.Refused) verdict).status()).isEqualTo(409);
    }

    @Test
    void should_accept_a_captured_zendesk_request_once_when_its_signature_is_spelled_seven_other_ways() {
        // given a captured request, accepted once
        WebhookVerifier verifier = verifier(Scheme.ZENDESK, ReplayGuard.inMemory(CLOCK));
        String ts = NOW.toString();
        String signature = Signatures.zendesk(SECRET, ts, BODY);
        assertThat(verifier.verify(zendesk(ts, signature, BODY).build(), name -> null))
                .isInstanceOfSatisfying(WebhookVerifier.Verified.class, verified -> verified.reservation().commit());

        // when the other spellings of the same 32 bytes that a lenient decoder reads are sent
        List<String> variants = sameBytesOtherSpellings(signature);
        assertThat(variants).hasSize(7).doesNotContain(signature)
                .allSatisfy(variant -> assertThat(Base64.getDecoder().decode(variant)).isEqualTo(Base64.getDecoder().decode(signature)));
        List<WebhookVerifier.Verdict> verdicts = variants.stream()
                .map(variant -> verifier.verify(zendesk(ts, variant, BODY).build(), name -> null)).toList();

        // then none is accepted again
        assertThat(verdicts).allSatisfy(verdict -> assertThat(verdict).isInstanceOfSatisfying(WebhookVerifier.Refused.class,
                refused -> assertThat(refused.reason()).contains("canonical base64")));
    }

    @Test
    void should_refuse_with_409_when_a_zendesk_request_is_replayed_with_spaces_around_its_signature() {
        // given
        WebhookVerifier verifier = verifier(Scheme.ZENDESK, ReplayGuard.inMemory(CLOCK));
        String ts = NOW.toString();
        String signature = Signatures.zendesk(SECRET, ts, BODY);
        ((WebhookVerifier.Verified) verifier.verify(zendesk(ts, signature, BODY).build(), name -> null)).reservation().commit();

        // when
        WebhookVerifier.Verdict again = verifier.verify(zendesk(ts, " " + signature + " ", BODY).build(), name -> null);

        // then
        assertThat(again).isEqualTo(new WebhookVerifier.Refused(409, "Replayed delivery: this signature was already accepted (or is being processed)"));
    }

    @Test
    void should_refuse_with_401_when_a_standard_webhooks_signature_is_not_canonical_base64() {
        // given a first delivery, never seen before, whose signature drops the padding
        WebhookVerifier verifier = verifier(Scheme.STANDARD_WEBHOOKS, ReplayGuard.inMemory(CLOCK));
        String signature = Signatures.standardWebhooks(WHSEC, "msg_1", NOW_S, BODY);
        assertThat(signature).endsWith("=");

        // when
        WebhookVerifier.Verdict verdict = verifier.verify(standard("msg_1", NOW_S, signature.substring(0, signature.length() - 1), BODY).build(),
                name -> null);

        // then
        assertThat(verdict).isInstanceOfSatisfying(WebhookVerifier.Refused.class, refused -> {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.reason()).startsWith("Invalid webhook-signature: expected canonical base64");
        });
    }

    /**
     * An HMAC-SHA256 in base64 is 43 characters and one '=': the last character carries 2 unused bits
     * and the padding may be left out, so 8 strings decode to the same bytes in a lenient decoder.
     */
    private static List<String> sameBytesOtherSpellings(String canonical) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        assertThat(canonical).hasSize(44).endsWith("=");
        int last = alphabet.indexOf(canonical.charAt(42));
        List<String> spellings = new ArrayList<>();
        for (int unused = 0; unused < 4; unused++) {
            String stem = canonical.substring(0, 42) + alphabet.charAt((last & ~3) | unused);
            spellings.add(stem + "=");
            spellings.add(stem);
        }
        spellings.remove(canonical);
        return spellings;
    }

    @Test
    void should_refuse_with_409_when_a_mailgun_token_is_replayed() {
        // given
        WebhookVerifier verifier = verifier(Scheme.MAILGUN, ReplayGuard.inMemory(CLOCK));
        String ts = Long.toString(NOW_S);
        Map<String, String> form = Map.of("timestamp", ts, "token", "tok-1", "signature", Signatures.mailgun(SECRET, ts, "tok-1"));
        ((WebhookVerifier.Verified) verifier.verify(Requests.post("/mg").build(), form::get)).reservation().commit();

        // when
        WebhookVerifier.Verdict again = verifier.verify(Requests.post("/mg").build(), form::get);

        // then
        assertThat(again).extracting(verdict -> ((WebhookVerifier.Refused) verdict).status()).isEqualTo(409);
    }

    @Test
    void should_read_the_secret_from_a_custom_header_when_shared_secret_names_one() {
        // given
        WebhookVerifier verifier = WebhookVerifier.create(Scheme.SHARED_SECRET, SECRET, "X-Switchboard-Token", null,
                Duration.ofSeconds(300), ReplayGuard.inMemory(CLOCK), CLOCK);

        // when
        WebhookVerifier.Verdict right = verifier.verify(Requests.post("/x").header("X-Switchboard-Token", SECRET).build(), name -> null);
        WebhookVerifier.Verdict bearer = verifier.verify(Requests.post("/x").header("Authorization", "Bearer " + SECRET).build(), name -> null);

        // then
        assertThat(right).isInstanceOf(WebhookVerifier.Verified.class);
        assertThat(bearer).extracting(verdict -> ((WebhookVerifier.Refused) verdict).status()).isEqualTo(401);
    }
}
