package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.SourceEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/** The CloudEvents the stages write for workflows: windows fired, digests. */
final class DerivedEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DerivedEvents() {
    }

    /** A structured-mode CloudEvents 1.0 JSON event, built as sources build theirs. */
    static byte[] event(String id, String source, String type, String subject, Instant time, Map<String, Object> data) {
        return SourceEvent.of(id, type, source, subject, time, JSON.valueToTree(data), null).bytes();
    }

    /**
     * A deterministic id: the same window or period fired again (a replay after a crash) gets the same
     * event id, hence the same task ids downstream.
     */
    static String id(String prefix, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
