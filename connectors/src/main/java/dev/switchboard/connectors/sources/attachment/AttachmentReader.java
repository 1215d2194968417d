package dev.switchboard.connectors.sources.attachment;

import dev.switchboard.connectors.sources.attachment.Extraction.Status;
import dev.switchboard.connectors.sources.internal.Charsets;
import dev.switchboard.connectors.sources.internal.HtmlText;
import dev.switchboard.connectors.sources.internal.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the text of the attachments a mail source is told to carry, within {@link AttachmentText}'s
 * caps. Reading runs on a small pool of its own under the message's time budget, so one slow or
 * hostile file costs the mailbox a bounded wait: past it the attachment is described with
 * {@code extraction: timeout}, the reader is interrupted, and the message is published all the same.
 */
public final class AttachmentReader implements AutoCloseable {

    private static final String PDF = "application/pdf";
    private static final String OCTET_STREAM = "application/octet-stream";

    private final AttachmentText caps;
    private final ExecutorService pool;

    public AttachmentReader(AttachmentText caps) {
        this.caps = caps;
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "switchboard-attachments-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.pool = caps.types().isEmpty() ? null : Executors.newFixedThreadPool(2, factory);
    }

    /** The budget for reading one message's attachments. */
    public Budget budget() {
        return new Budget(System.nanoTime() + caps.timeout().toNanos(), caps.maxTotalChars());
    }

    /**
     * Whether an attachment's text is wanted, by its declared type, its name and its first bytes
     * (a PDF sent as {@code application/octet-stream}).
     */
    public boolean wants(String declaredType, String name) {
        return effectiveType(declaredType, name, null) != null
                || OCTET_STREAM.equals(essence(declaredType)) && matches(caps.types(), PDF);
    }

    /** The largest attachment read; the caller stops reading one byte past it. */
    public int maxBytes() {
        return caps.maxBytes();
    }

    /**
     * The text of one attachment, or why there is none; null when its type is not carried.
     *
     * @param content its bytes, at most {@link #maxBytes()} of them, or null when it was larger
     * @param size    its full decoded size
     */
    public Extraction read(String declaredType, String name, byte[] content, long size, Budget budget) {
        String type = effectiveType(declaredType, name, content);
        if (type == null) {
            return null;
        }
        if (content == null || size > caps.maxBytes()) {
            return Extraction.failed(Status.TOO_LARGE, "Not read: " + size + " bytes is more than attachment_max_bytes ("
                    + caps.maxBytes() + ")");
        }
        int maxChars = Math.min(caps.maxChars(), budget.charsLeft);
        if (maxChars <= 0) {
            return Extraction.failed(Status.TOO_LARGE, "Not read: the message's other attachments used up attachment_max_total_chars ("
                    + caps.maxTotalChars() + ")");
        }
        Duration left = Duration.ofNanos(budget.deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return timeout();
        }
        Future<Extraction> reading = pool.submit(() -> PDF.equals(type)
                ? PdfText.read(content, caps.maxDecodedBytes(), caps.maxPages(), maxChars)
                : text(declaredType, content, maxChars));
        Extraction extraction;
        try {
            extraction = reading.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | CancellationException e) {
            reading.cancel(true);
            extraction = timeout();
        } catch (ExecutionException e) {
            extraction = Extraction.failed(Status.UNREADABLE, "The attachment could not be read (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            reading.cancel(true);
            Thread.currentThread().interrupt();
            extraction = timeout();
        }
        if (extraction.text() != null) {
            budget.charsLeft -= extraction.text().length();
        }
        return extraction;
    }

    private Extraction timeout() {
        return Extraction.failed(Status.TIMEOUT, "Not read within attachment_timeout_seconds (" + caps.timeoutSeconds()
                + " s for all attachments of the message)");
    }

    /** The type the attachment is read as, or null when it is not carried. */
    private String effectiveType(String declaredType, String name, byte[] content) {
        String type = essence(declaredType);
        if (type.equals(OCTET_STREAM) || type.equals("application/x-pdf")) {
            boolean pdfName = name != null && name.toLowerCase(Locale.ROOT).endsWith(".pdf");
            boolean pdfBytes = content != null && content.length >= 5 && new String(content, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-");
            if (pdfBytes || content == null && pdfName || type.equals("application/x-pdf")) {
                type = PDF;
            }
        }
        return matches(caps.types(), type) ? type : null;
    }

    private static String essence(String declaredType) {
        return MediaType.parse(declaredType).map(MediaType::essence).orElse(OCTET_STREAM);
    }

    private static boolean matches(List<String> patterns, String type) {
        for (String pattern : patterns) {
            if (pattern.equals(type) || pattern.endsWith("/*") && type.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static Extraction text(String declaredType, byte[] content, int maxChars) {
        MediaType type = MediaType.parse(declaredType).orElse(null);
        String charset = type == null ? null : type.parameter("charset");
        String text = new String(content, Charsets.orDefault(charset, StandardCharsets.UTF_8));
        if (type != null && type.essence().equals("text/html")) {
            text = HtmlText.toText(text);
        }
        text = text.replace("\r\n", "\n").strip();
        return text.length() > maxChars ? Extraction.text(text.substring(0, maxChars), null, true) : Extraction.text(text, null, false);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** What one message may still spend on its attachments: time and characters. */
    public static final class Budget {
        private final long deadline;
        private int charsLeft;

        private Budget(long deadline, int charsLeft) {
            this.deadline = deadline;
            this.charsLeft = charsLeft;
        }
    }
}
