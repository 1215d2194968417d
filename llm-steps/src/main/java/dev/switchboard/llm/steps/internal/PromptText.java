package dev.switchboard.llm.steps.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small text helpers every prompt shares: content hashes, data blocks, lenient JSON reading. */
public final class PromptText {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PromptText() {
    }

    /** The first {@code bytes} bytes of SHA-256 over the text, in hex. */
    public static String hash(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A text that closes its own tag must not step out of the data block. */
    public static String asData(String text, String tag) {
        return text == null ? "" : text.replace("</" + tag + ">", "<\\/" + tag + ">");
    }

    /** What is wrong with an answer's optional {@code confidence}, or null when it is absent, null or a number in [0, 1]. */
    public static String confidenceProblem(JsonNode answer) {
        JsonNode confidence = answer.get("confidence");
        if (confidence != null && !confidence.isNull() && (!confidence.isNumber() || confidence.doubleValue() < 0 || confidence.doubleValue() > 1)) {
            return "got confidence " + confidence + ", expected a number in [0, 1]";
        }
        return null;
    }

    /** The answer as JSON, or null when it is not exactly one JSON value. */
    public static JsonNode parseJson(String content) {
        try {
            return JSON.readTree(content == null ? "" : content);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
