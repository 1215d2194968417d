package dev.switchboard.connectors.sources.internal;

/** Finding a run of bytes in a body read whole (a multipart form, a PDF), where no text decoding may happen first. */
public final class ByteSearch {

    private ByteSearch() {
    }

    /** Where {@code pattern} first starts in {@code data} at or after {@code from}; -1 when it does not. */
    public static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
