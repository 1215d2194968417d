package dev.switchboard.connectors.sources.attachment;

import dev.switchboard.connectors.sources.internal.ByteSearch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.filter.FilterFactory;

/**
 * Measures what each stream of a PDF expands to, on the raw bytes, before PDFBox parses anything.
 * PDFBox 3 decodes a stream whole into memory (object streams and cross-reference streams while it
 * loads), so a few hundred kilobytes of deflated zeros would become gigabytes on the heap. Here each
 * stream is inflated into a counter that gives up at the cap; nothing is kept. Chains of Flate
 * filters are followed (a zlib header in the output is inflated again), and LZW and run-length
 * streams, recognised by their dictionary, are decoded the same way.
 */
final class CompressedStreams {

    private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_STREAM = "endstream".getBytes(StandardCharsets.US_ASCII);
    private static final int DICTIONARY_WINDOW = 2048;
    private static final int MAX_CHAINED = 4;

    private CompressedStreams() {
    }

    /** Empty when every stream stays within {@code maxBytes} decoded; otherwise what went past it. */
    static Optional<String> overCap(byte[] pdf, long maxBytes) {
        int from = 0;
        while (true) {
            int keyword = ByteSearch.indexOf(pdf, STREAM, from);
            if (keyword < 0) {
                return Optional.empty();
            }
            from = keyword + STREAM.length;
            boolean endKeyword = keyword >= 3 && pdf[keyword - 3] == 'e' && pdf[keyword - 2] == 'n' && pdf[keyword - 1] == 'd';
            int start = dataStart(pdf, from);
            if (endKeyword || start < 0) {
                continue;
            }
            int end = ByteSearch.indexOf(pdf, END_STREAM, start);
            end = end < 0 ? pdf.length : end;
            String dictionary = new String(pdf, Math.max(0, keyword - DICTIONARY_WINDOW), keyword - Math.max(0, keyword - DICTIONARY_WINDOW),
                    StandardCharsets.ISO_8859_1);
            dictionary = dictionary.substring(dictionary.lastIndexOf(" obj") + 1);
            long decoded = decodedSize(pdf, start, end - start, dictionary, maxBytes);
            if (decoded > maxBytes) {
                return Optional.of("a compressed stream at byte " + keyword + " expands past " + maxBytes / (1024 * 1024) + " MiB");
            }
            from = end;
        }
    }

    /** The stream's decoded size, or {@code maxBytes + 1} as soon as it passes the cap. */
    private static long decodedSize(byte[] pdf, int start, int length, String dictionary, long maxBytes) {
        Counter counter = new Counter(maxBytes);
        try {
            if (dictionary.contains("/LZW")) {
                decodeWith(COSName.LZW_DECODE, new ByteArrayInputStream(pdf, start, length), counter);
            } else if (dictionary.contains("/RunLengthDecode") || dictionary.contains("/RL")) {
                decodeWith(COSName.RUN_LENGTH_DECODE, new ByteArrayInputStream(pdf, start, length), counter);
            } else {
                InputStream data = inflated(new ByteArrayInputStream(pdf, start, length), dictionary.contains("/Fl"), 0);
                data.transferTo(counter);
            }
        } catch (Counter.Past past) {
            return maxBytes + 1;
        } catch (IOException | RuntimeException e) {
            // not compressed, or corrupt: PDFBox meets the same bytes and reports the file unreadable
        }
        return counter.count;
    }

    /** Inflates zlib data (and again while the output is zlib data); raw deflate when the dictionary names Flate. */
    private static InputStream inflated(InputStream in, boolean namedFlate, int depth) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 2);
        byte[] head = peek.readNBytes(2);
        peek.unread(head);
        boolean zlib = head.length == 2 && (head[0] & 0x0F) == 8 && ((head[0] & 0xFF) << 8 | head[1] & 0xFF) % 31 == 0;
        if (depth >= MAX_CHAINED || !zlib && !(namedFlate && depth == 0)) {
            return peek;
        }
        return inflated(new InflaterInputStream(peek, new Inflater(!zlib), 8192), false, depth + 1);
    }

    private static void decodeWith(COSName filter, InputStream in, OutputStream out) throws IOException {
        FilterFactory.INSTANCE.getFilter(filter).decode(in, out, new COSDictionary(), 0);
    }

    /** Counts bytes written and stops the decoder past the cap. */
    private static final class Counter extends OutputStream {
        static final class Past extends RuntimeException {
            Past() {
                super("past the cap", null, false, false);
            }
        }

        private final long max;
        private long count;

        Counter(long max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            add(1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            add(length);
        }

        private void add(int n) {
            count += n;
            if (count > max) {
                throw new Past();
            }
        }
    }

    /** The first byte of the data: after {@code stream} comes CRLF or LF (a lone CR tolerated). */
    private static int dataStart(byte[] pdf, int afterKeyword) {
        int i = afterKeyword;
        while (i < pdf.length && pdf[i] == ' ') {
            i++;
        }
        if (i < pdf.length && pdf[i] == '\r') {
            i++;
        }
        if (i < pdf.length && pdf[i] == '\n') {
            i++;
        } else if (i == afterKeyword) {
            return -1; // "stream" inside a word or a string, not the keyword
        }
        return i;
    }
}
