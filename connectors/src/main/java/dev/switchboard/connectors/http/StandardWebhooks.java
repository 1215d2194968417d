package dev.switchboard.connectors.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing as <a href="https://www.standardwebhooks.com">Standard Webhooks</a> specifies, so a
 * receiver (n8n, Zapier, any service with a Standard Webhooks library) can check that a request
 * came from this Switchboard and was not changed: {@code webhook-id}, {@code webhook-timestamp}
 * and {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>}.
 */
public final class StandardWebhooks {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private StandardWebhooks() {
    }

    /** A {@code whsec_} secret is base64 after the prefix; anything else is used as its UTF-8 bytes. */
    public static byte[] key(String secret) {
        if (secret.startsWith("whsec_")) {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}. */
    public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
