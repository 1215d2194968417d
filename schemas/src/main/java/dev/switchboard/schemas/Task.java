package dev.switchboard.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task for a person or a system, written to the tasks topic (the outbox) and delivered to its sink.
 * Its id is deterministic, so a replayed event produces the same task and the sink can drop the copy.
 *
 * @param id        {@link #idFor(String, String, String, String)} of workflow, event source, event id and step id
 * @param workflow  the workflow that created it
 * @param step      the step that created it
 * @param sink      the configured sink that receives it
 * @param eventId   the CloudEvent id it came from
 * @param eventType the CloudEvent type it came from
 * @param title     one line
 * @param body      text
 * @param priority  {@code low}, {@code normal}, {@code high} or {@code urgent}
 * @param dueDate   ISO-8601 date or date-time, or null
 * @param owner     who should do it (an email or CRM owner id), or null
 * @param fields    extra values for the sink (label, confidence, ...)
 * @param lineage   the model calls that led to it
 * @param createdAt ISO-8601 instant
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(String id, String workflow, String step, String sink, String eventId, String eventType,
                   String title, String body, String priority, String dueDate, String owner,
                   Map<String, Object> fields, List<ModelCall> lineage, String createdAt) {

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sink, "sink");
        fields = fields == null ? Map.of() : fields;
        lineage = lineage == null ? List.of() : List.copyOf(lineage);
    }

    /**
     * {@code tsk_} and the first 32 hex digits of SHA-256 over workflow, event source, event id and step
     * id. The source is part of it because CloudEvents ids are unique only within their source: two
     * sources may send the same id, and neither may suppress the other's task.
     */
    public static String idFor(String workflow, String eventSource, String eventId, String stepId) {
        byte[] digest = IdDigest.fresh().digest((workflow + '\u0000' + eventSource + '\u0000' + eventId + '\u0000' + stepId)
                .getBytes(StandardCharsets.UTF_8));
        return "tsk_" + HEX.formatHex(digest, 0, 16);
    }

    private static final HexFormat HEX = HexFormat.of();

    /**
     * SHA-256 digests for task ids. {@code MessageDigest.getInstance} looks the algorithm up among the
     * providers on every call, a cost per task on the hot path; a clone of one untouched digest is the
     * same algorithm without the lookup. The prototype is never updated, so cloning it is safe from any thread.
     */
    private static final class IdDigest {
        private static final MessageDigest PROTOTYPE = sha256();

        static MessageDigest fresh() {
            try {
                return (MessageDigest) PROTOTYPE.clone();
            } catch (CloneNotSupportedException e) {
                return sha256(); // a provider whose digest cannot be cloned: look it up each time
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
    }
}
