package dev.switchboard.connectors.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What each vendor sends, computed the way its documentation says, for tests to sign requests with. */
public final class Signatures {

    private Signatures() {
    }

    /** GitHub: {@code sha256=} + hex HMAC-SHA256 of the body. */
    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** Zendesk: base64 HMAC-SHA256 of timestamp followed by body. */
    public static String zendesk(String secret, String timestamp, byte[] body) {
        return Base64.getEncoder().encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8),
                concat(timestamp.getBytes(StandardCharsets.UTF_8), body)));
    }

    /** Standard Webhooks: {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed by the base64 after {@code whsec_}. */
    public static String standardWebhooks(String secret, String id, long timestamp, byte[] body) {
        byte[] key = secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring(6)) : secret.getBytes(StandardCharsets.UTF_8);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body)));
    }

    /** Zoom: {@code v0=} + hex HMAC-SHA256 of {@code v0:<timestamp>:<body>}, keyed by the app's secret token. */
    public static String zoom(String secretToken, long timestamp, byte[] body) {
        return "v0=" + HexFormat.of().formatHex(hmac(secretToken.getBytes(StandardCharsets.UTF_8),
                concat(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8), body)));
    }

    /** Zoom's endpoint validation: the hex HMAC-SHA256 of the plain token, keyed by the app's secret token. */
    public static String zoomEncryptedToken(String secretToken, String plainToken) {
        return HexFormat.of().formatHex(hmac(secretToken.getBytes(StandardCharsets.UTF_8), plainToken.getBytes(StandardCharsets.UTF_8)));
    }

    /** Mailgun: hex HMAC-SHA256 of timestamp followed by token. */
    public static String mailgun(String signingKey, String timestamp, String token) {
        return HexFormat.of().formatHex(hmac(signingKey.getBytes(StandardCharsets.UTF_8), (timestamp + token).getBytes(StandardCharsets.UTF_8)));
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
