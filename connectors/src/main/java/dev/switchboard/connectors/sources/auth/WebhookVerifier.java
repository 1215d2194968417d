package dev.switchboard.connectors.sources.auth;

import dev.switchboard.schemas.spi.HttpIngress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates one webhook request by the source's scheme, over the raw body, comparing in
 * constant time. Status codes mean the same for every scheme:
 * <ul>
 *   <li>401: a credential or signature is missing, malformed or wrong (a tampered body included);</li>
 *   <li>403: the signature is right but the request is not acceptable now: its timestamp is outside
 *       the tolerance, either way (the network allow-list, checked by the source, answers 403 too);</li>
 *   <li>409: the signed delivery id (or Zendesk signature, or Mailgun token) was already accepted.</li>
 * </ul>
 * The signature is checked before the timestamp, so a forged request always gets 401 and only a
 * genuine but stale one gets 403.
 */
public final class WebhookVerifier {

    /** The schemes, by the name {@code auth.scheme} gives them. */
    public enum Scheme {
        GITHUB("github"), ZENDESK("zendesk"), STANDARD_WEBHOOKS("standard-webhooks"), MAILGUN("mailgun"),
        SHARED_SECRET("shared-secret"), BASIC("basic"), ZOOM("zoom");

        private final String yamlName;

        Scheme(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }

        /** Mailgun signs form fields, so the body is parsed before it can be verified. */
        public boolean readsForm() {
            return this == MAILGUN;
        }

        /** Timestamped schemes remember accepted deliveries to refuse replays within the tolerance. */
        public boolean remembersDeliveries() {
            return this == ZENDESK || this == STANDARD_WEBHOOKS || this == MAILGUN || this == ZOOM;
        }

        public static Optional<Scheme> of(String yamlName) {
            return Arrays.stream(values()).filter(scheme -> scheme.yamlName.equals(yamlName)).findFirst();
        }

        @Override
        public String toString() {
            return yamlName;
        }
    }

    /** The outcome of verifying one request. */
    public sealed interface Verdict permits Verified, Refused {
    }

    /** Authentic; {@code reservation} holds the delivery id until the event is in Kafka (commit) or the request fails (release). */
    public record Verified(ReplayGuard.Reservation reservation) implements Verdict {
    }

    /** Not accepted; {@code reason} names the problem and never echoes a secret. */
    public record Refused(int status, String reason) implements Verdict {
    }

    /** What a timestamped scheme checks once the signature is valid: the time it was signed, and that it comes once. */
    private record Freshness(Duration tolerance, ReplayGuard replays, Clock clock) {

        /** The timestamp within tolerance (else 403), the delivery not seen before (else 409). */
        Verdict check(Instant at, String deliveryKey, String what) {
            Instant now = clock.instant();
            if (Duration.between(at, now).abs().compareTo(tolerance) > 0) {
                return new Refused(403, "Timestamp outside the " + tolerance.toSeconds() + " s tolerance: request signed at " + at
                        + ", this server's clock says " + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + ". Retry with a fresh signature, or check both clocks");
            }
            Instant expires = (at.isAfter(now) ? at : now).plus(tolerance);
            return replays.reserve(deliveryKey, expires)
                    .<Verdict>map(Verified::new)
                    .orElseGet(() -> new Refused(409, "Replayed delivery: " + what + " was already accepted (or is being processed)"));
        }
    }

    private final Scheme scheme;
    private final byte[] key;
    private final String header;
    private final String username;
    private final Freshness freshness;

    private WebhookVerifier(Scheme scheme, byte[] key, String header, String username, Freshness freshness) {
        this.scheme = scheme;
        this.key = key;
        this.header = header;
        this.username = username;
        this.freshness = freshness;
    }

    /**
     * @param secret   the secret as configured (a {@code whsec_} secret is base64 after the prefix)
     * @param header   for {@code shared-secret}: the header carrying it ({@code Authorization} means {@code Bearer <secret>})
     * @param username for {@code basic}
     */
    public static WebhookVerifier create(Scheme scheme, String secret, String header, String username, Duration tolerance,
                                         ReplayGuard replays, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("A " + scheme + " webhook needs a secret");
        }
        if (scheme == Scheme.BASIC && (username == null || username.isEmpty())) {
            throw new IllegalArgumentException("Basic authentication needs auth.username");
        }
        byte[] key = switch (scheme) {
            case STANDARD_WEBHOOKS -> standardWebhooksKey(secret);
            case SHARED_SECRET -> sha256((header == null || header.equalsIgnoreCase("Authorization") ? "Bearer " + secret : secret)
                    .getBytes(StandardCharsets.UTF_8));
            case BASIC -> sha256((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
            default -> secret.getBytes(StandardCharsets.UTF_8);
        };
        return new WebhookVerifier(scheme, key, header == null ? "Authorization" : header, username,
                new Freshness(tolerance, replays, clock));
    }

    /** Standard Webhooks: a {@code whsec_} secret is base64 after the prefix; anything else is used as its UTF-8 bytes. */
    public static byte[] standardWebhooksKey(String secret) {
        if (secret.startsWith("whsec_")) {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    public Scheme scheme() {
        return scheme;
    }

    /**
     * @param form the request's form fields by name (Mailgun's signature travels in them); other
     *             schemes never call it
     */
    public Verdict verify(HttpIngress.Request request, Function<String, String> form) {
        return switch (scheme) {
            case GITHUB -> github(request);
            case ZENDESK -> signedWithTimestamp(request, "X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp",
                    "use the webhook's signing secret from Zendesk Admin Center", this::zendesk);
            case STANDARD_WEBHOOKS -> standardWebhooks(request);
            case MAILGUN -> mailgun(form);
            case SHARED_SECRET -> sharedSecret(request);
            case BASIC -> basic(request);
            case ZOOM -> signedWithTimestamp(request, "x-zm-signature", "x-zm-request-timestamp",
                    "use the secret token of the app's event subscription in Zoom", this::zoom);
        };
    }

    private Verdict github(HttpIngress.Request request) {
        String signature = request.header("X-Hub-Signature-256");
        if (signature == null) {
            return missing("X-Hub-Signature-256 header", "set the webhook's secret in GitHub");
        }
        if (!signature.startsWith("sha256=")) {
            return new Refused(401, "Invalid X-Hub-Signature-256: expected 'sha256=' followed by a hex HMAC-SHA256");
        }
        byte[] given = hex(signature.substring("sha256=".length()));
        if (given == null || !MessageDigest.isEqual(given, hmac(request.body()))) {
            return invalid("X-Hub-Signature-256");
        }
        // GitHub signs no timestamp and no delivery id: a replay cannot be told from a redelivery here.
        // Events get ids derived from the issue and its updated_at, so downstream deduplication absorbs it.
        return new Verified(ReplayGuard.Reservation.NONE);
    }

    private Verdict zendesk(HttpIngress.Request request, String encoded, String timestamp) {
        byte[] given = base64(encoded);
        if (given != null && !canonical(encoded, given)) {
            return notCanonical("X-Zendesk-Webhook-Signature");
        }
        if (given == null || !MessageDigest.isEqual(given, hmac(timestamp.getBytes(StandardCharsets.UTF_8), request.body()))) {
            return invalid("X-Zendesk-Webhook-Signature");
        }
        Instant at;
        try {
            at = Instant.parse(timestamp.trim());
        } catch (DateTimeParseException e) {
            return new Refused(401, "Invalid X-Zendesk-Webhook-Signature-Timestamp: expected an ISO-8601 time such as 2024-04-17T17:18:10Z");
        }
        // Zendesk signs no delivery id; the signature is unique to (timestamp, body), so it identifies the
        // delivery. Keyed on the bytes, not the text, so that no other spelling of them counts as new.
        return freshness.check(at, "zendesk:" + at + ":" + HexFormat.of().formatHex(given), "this signature");
    }

    private Verdict standardWebhooks(HttpIngress.Request request) {
        String absent = absent(request::header, "webhook-id", "webhook-timestamp", "webhook-signature");
        if (absent != null) {
            return missing(absent + " header", "sign requests with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)");
        }
        String id = request.header("webhook-id");
        String signatures = request.header("webhook-signature");
        OptionalLong timestamp = epochSeconds(request.header("webhook-timestamp"));
        if (timestamp.isEmpty()) {
            return new Refused(401, "Invalid webhook-timestamp: expected seconds since the epoch");
        }
        long seconds = timestamp.getAsLong();
        byte[] expected = hmac((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8), request.body());
        boolean match = false;
        boolean notCanonical = false;
        for (String candidate : signatures.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma > 0 && candidate.substring(0, comma).equals("v1")) {
                String encoded = candidate.substring(comma + 1);
                byte[] given = base64(encoded);
                boolean canonical = given != null && canonical(encoded, given);
                notCanonical |= given != null && !canonical;
                // No early exit: every candidate is compared, so timing says nothing about which matched.
                match |= canonical && MessageDigest.isEqual(given, expected);
            }
        }
        if (!match) {
            return notCanonical ? notCanonical("webhook-signature") : invalid("webhook-signature");
        }
        return freshness.check(Instant.ofEpochSecond(seconds), "standard-webhooks:" + id, "webhook-id '" + printable(id) + "'");
    }

    /**
     * Zoom: {@code x-zm-signature: v0=<hex HMAC-SHA256 of "v0:<x-zm-request-timestamp>:<raw body>">} keyed by the
     * app's secret token, the timestamp in seconds. Zoom signs no delivery id; as with Zendesk, the signature
     * identifies the delivery.
     */
    private Verdict zoom(HttpIngress.Request request, String trimmed, String timestamp) {
        if (!trimmed.startsWith("v0=")) {
            return new Refused(401, "Invalid x-zm-signature: expected 'v0=' followed by a hex HMAC-SHA256");
        }
        byte[] given = hex(trimmed.substring("v0=".length()));
        long seconds = epochSeconds(timestamp).orElse(-1);
        byte[] expected = hmac(("v0:" + timestamp.trim() + ":").getBytes(StandardCharsets.UTF_8), request.body());
        if (given == null || !MessageDigest.isEqual(given, expected)) {
            return invalid("x-zm-signature");
        }
        if (seconds < 0) {
            return new Refused(401, "Invalid x-zm-request-timestamp: expected seconds since the epoch");
        }
        return freshness.check(Instant.ofEpochSecond(seconds), "zoom:" + seconds + ":" + HexFormat.of().formatHex(given), "this x-zm-signature");
    }

    private Verdict mailgun(Function<String, String> form) {
        String absent = absent(form, "timestamp", "token", "signature");
        if (absent != null) {
            return missing("'" + absent + "' form field", "Mailgun adds timestamp, token and signature to every route it forwards");
        }
        String timestamp = form.apply("timestamp");
        String token = form.apply("token");
        String signature = form.apply("signature");
        byte[] given = hex(signature);
        if (given == null || !MessageDigest.isEqual(given, hmac((timestamp + token).getBytes(StandardCharsets.UTF_8)))) {
            return invalid("Mailgun signature");
        }
        OptionalLong seconds = epochSeconds(timestamp);
        if (seconds.isEmpty()) {
            return new Refused(401, "Invalid Mailgun timestamp: expected seconds since the epoch");
        }
        return freshness.check(Instant.ofEpochSecond(seconds.getAsLong()), "mailgun:" + token, "this Mailgun token");
    }

    private Verdict sharedSecret(HttpIngress.Request request) {
        String value = request.header(header);
        if (value == null) {
            return missing(header + " header", header.equalsIgnoreCase("Authorization")
                    ? "send 'Authorization: Bearer <secret>'" : "send the shared secret in the " + header + " header");
        }
        // Digests of equal length: the comparison reveals neither the content nor the length of the secret.
        if (!MessageDigest.isEqual(sha256(value.trim().getBytes(StandardCharsets.UTF_8)), key)) {
            return invalid(header);
        }
        return new Verified(ReplayGuard.Reservation.NONE);
    }

    private Verdict basic(HttpIngress.Request request) {
        String value = request.header("Authorization");
        if (value == null) {
            return missing("Authorization header", "send HTTP basic credentials (user:password in the webhook URL, or the sender's auth setting)");
        }
        String trimmed = value.trim();
        if (trimmed.length() < 6 || !trimmed.substring(0, 6).equalsIgnoreCase("Basic ")) {
            return new Refused(401, "Invalid Authorization header: expected 'Basic <base64 of user:password>'");
        }
        byte[] credentials = base64(trimmed.substring(6).trim());
        if (credentials == null || !MessageDigest.isEqual(sha256(credentials), key)) {
            return invalid("basic credentials");
        }
        return new Verified(ReplayGuard.Reservation.NONE);
    }

    /** What a scheme that signs the body with a timestamp checks: the request, its trimmed signature, its timestamp as sent. */
    private interface TimestampedSignature {
        Verdict check(HttpIngress.Request request, String signature, String timestamp);
    }

    /** Refuses a request that lacks either header, naming the first one missing; else hands both to {@code check}. */
    private Verdict signedWithTimestamp(HttpIngress.Request request, String signatureHeader, String timestampHeader, String fix,
                                        TimestampedSignature check) {
        String absent = absent(request::header, signatureHeader, timestampHeader);
        if (absent != null) {
            return missing(absent + " header", fix);
        }
        return check.check(request, request.header(signatureHeader).trim(), request.header(timestampHeader));
    }

    /** The first of {@code names} that {@code lookup} has no value for (a header, a form field), or null when none is missing. */
    private static String absent(Function<String, String> lookup, String... names) {
        return Arrays.stream(names).filter(name -> lookup.apply(name) == null).findFirst().orElse(null);
    }

    /** Seconds since the epoch, as the schemes that sign them write them; empty when {@code text} is not a whole number. */
    private static OptionalLong epochSeconds(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private Refused missing(String what, String fix) {
        return new Refused(401, "Missing " + what + ": this endpoint requires " + scheme + " authentication; " + fix);
    }

    private Refused invalid(String what) {
        return new Refused(401, "Invalid " + what + ": it does not match the body received. Check that the secret is the same on both sides "
                + "and that nothing between them rewrites the body");
    }

    private byte[] hmac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] hex(String text) {
        try {
            return HexFormat.of().parseHex(text.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code encoded} is the one spelling of {@code bytes}: a lenient decoder also reads it
     * without its '=' and with the unused low bits of its last character set, so a captured signature
     * could otherwise be sent again, spelled anew, up to seven more times.
     */
    private static boolean canonical(String encoded, byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes).equals(encoded);
    }

    private Refused notCanonical(String what) {
        return new Refused(401, "Invalid " + what + ": expected canonical base64 (padded with '=', no stray bits in the last character), "
                + "as the sender encodes it; a signature spelled another way is refused so that it cannot replay a request");
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) + "…" : cleaned;
    }
}
