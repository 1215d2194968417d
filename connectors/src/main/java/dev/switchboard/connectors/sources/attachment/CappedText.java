package dev.switchboard.connectors.sources.attachment;

import java.io.Writer;

/** A writer that keeps the first {@code max} characters and then stops the reader that writes to it. */
final class CappedText extends Writer {

    /** Thrown into the reader once the cap is reached: reading further would be wasted work. */
    static final class Full extends RuntimeException {
        Full() {
            super("text cap reached", null, false, false);
        }
    }

    private final StringBuilder text = new StringBuilder();
    private final int max;
    private boolean full;

    CappedText(int max) {
        this.max = max;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        int room = max - text.length();
        text.append(chars, offset, Math.min(room, length));
        if (length > room) {
            full = true;
            throw new Full();
        }
    }

    boolean full() {
        return full;
    }

    String text() {
        return text.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
