package dev.switchboard.connectors.sources.attachment;

import java.util.Locale;
import java.util.Objects;

/**
 * What reading one attachment's text gave: the text, or why there is none. An attachment that could
 * not be read is still described in the event, with its status and a reason a person can act on.
 *
 * @param status    how it went
 * @param text      the text read (cut at the caps), or null
 * @param pages     the PDF's page count, or null for other types and unreadable PDFs
 * @param truncated whether text was left out because of a cap (pages or characters)
 * @param reason    why there is no text, or null when there is
 */
public record Extraction(Status status, String text, Integer pages, boolean truncated, String reason) {

    /** The outcomes; {@link #wireName()} is how the event spells them. */
    public enum Status {
        OK, ENCRYPTED, UNREADABLE, NO_TEXT, TOO_LARGE, TIMEOUT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Extraction {
        Objects.requireNonNull(status, "status");
        if (status != Status.OK && reason == null) {
            throw new IllegalArgumentException("An extraction without text needs a reason");
        }
    }

    public static Extraction text(String text, Integer pages, boolean truncated) {
        return new Extraction(Status.OK, text, pages, truncated, null);
    }

    public static Extraction failed(Status status, String reason) {
        return new Extraction(status, null, null, false, reason);
    }

    /** The same extraction with its text cut to {@code maxChars}. */
    Extraction cut(int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return this;
        }
        return new Extraction(status, text.substring(0, maxChars), pages, true, reason);
    }
}
