package dev.switchboard.connectors.sources.attachment;

import dev.switchboard.connectors.sources.attachment.Extraction.Status;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The text layer of a PDF, read with Apache PDFBox within the caps: streams that would expand past
 * {@code maxDecodedBytes} are refused before parsing ({@link CompressedStreams}), PDFBox's own buffers
 * are bounded by the same figure, at most {@code maxPages} pages are read, and reading stops at
 * {@code maxChars} characters or when the thread is interrupted (the time bound). Expected failures
 * (encrypted, malformed, no text layer) are values, never exceptions.
 */
final class PdfText {

    private PdfText() {
    }

    static Extraction read(byte[] pdf, long maxDecodedBytes, int maxPages, int maxChars) {
        Optional<String> bomb = CompressedStreams.overCap(pdf, maxDecodedBytes);
        if (bomb.isPresent()) {
            return Extraction.failed(Status.TOO_LARGE, "Not read: " + bomb.get() + " (a decompression bomb, or a file too large to read "
                    + "safely); raise attachment_max_decoded_bytes if such files are expected");
        }
        try (PDDocument document = Loader.loadPDF(pdf, "", null, null, MemoryUsageSetting.setupMainMemoryOnly(maxDecodedBytes).streamCache)) {
            int pages = document.getNumberOfPages();
            Stripper stripper = new Stripper();
            stripper.setSortByPosition(true);
            stripper.setEndPage(maxPages);
            CappedText text = new CappedText(maxChars);
            try {
                stripper.writeText(document, text);
            } catch (CappedText.Full full) {
                // the cap is the point where reading stops
            }
            String read = text.text().strip();
            if (read.isEmpty()) {
                return new Extraction(Status.NO_TEXT, null, pages, false, "The PDF has no text layer (" + pages
                        + (pages == 1 ? " page" : " pages") + " of images, e.g. a scan); reading it needs OCR");
            }
            return Extraction.text(read, pages, text.full() || pages > maxPages);
        } catch (InvalidPasswordException e) {
            return Extraction.failed(Status.ENCRYPTED, "The PDF is encrypted with a password and cannot be read without it; "
                    + "ask the sender for an unprotected copy");
        } catch (Stopped e) {
            return Extraction.failed(Status.TIMEOUT, "Reading the PDF was stopped at the time limit");
        } catch (IOException | RuntimeException e) {
            return Extraction.failed(Status.UNREADABLE, "The PDF cannot be parsed (" + summary(e) + "); it may be damaged or cut short");
        }
    }

    private static String summary(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceAll("\\s+", " ");
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    /** Thrown between two operators once the reading thread is interrupted; unchecked, so PDFBox does not log and go on. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("interrupted", null, false, false);
        }
    }

    /** Stops between operators once interrupted (the time bound). */
    private static final class Stripper extends PDFTextStripper {
        @Override
        protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
            if (Thread.currentThread().isInterrupted()) {
                throw new Stopped();
            }
            super.processOperator(operator, operands);
        }
    }
}
