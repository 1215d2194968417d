package dev.switchboard.connectors.sources.attachment;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/** PDFs for the tests, made here: ordinary, encrypted, scanned, cut short, and hostile ones. */
public final class TestPdfs {

    private TestPdfs() {
    }

    /** One page per text, each line of a text on a line of its page. */
    public static byte[] text(String... pages) {
        try (PDDocument document = new PDDocument()) {
            for (String page : pages) {
                addTextPage(document, page);
            }
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text PDF that opens only with {@code userPassword}. */
    public static byte[] encrypted(String text, String userPassword) {
        try (PDDocument document = new PDDocument()) {
            addTextPage(document, text);
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-" + userPassword, userPassword, new AccessPermission());
            policy.setEncryptionKeyLength(128);
            document.protect(policy);
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A "scan": one grey image per page, no text layer. */
    public static byte[] imageOnly(int pages) {
        try (PDDocument document = new PDDocument()) {
            BufferedImage grey = new BufferedImage(60, 80, BufferedImage.TYPE_BYTE_GRAY);
            for (int i = 0; i < pages; i++) {
                PDPage page = new PDPage();
                document.addPage(page);
                PDImageXObject image = LosslessFactory.createFromImage(document, grey);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.drawImage(image, 50, 50, 500, 700);
                }
            }
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first part of a text PDF, as a truncated download leaves it. */
    public static byte[] truncated(String text) {
        byte[] whole = text(text);
        return Arrays.copyOf(whole, whole.length / 3);
    }

    /** One page whose content stream is {@code decodedBytes} spaces, deflated: a few hundred kilobytes that expand without bound. */
    public static byte[] decompressionBomb(long decodedBytes) {
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(Deflater.BEST_COMPRESSION), 64 * 1024)) {
            byte[] spaces = new byte[1024 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            for (long written = 0; written < decodedBytes; written += spaces.length) {
                out.write(spaces, 0, (int) Math.min(spaces.length, decodedBytes - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw(List.of(
                "<< /Type /Catalog /Pages 2 0 R >>".getBytes(StandardCharsets.US_ASCII),
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".getBytes(StandardCharsets.US_ASCII),
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".getBytes(StandardCharsets.US_ASCII),
                stream("/Filter /FlateDecode", deflated.toByteArray())));
    }

    /**
     * A small PDF that costs a great deal of time: its page draws a form {@code calls} times, and the form
     * holds thousands of operators. Every byte is within the caps; only the time bound stops it.
     */
    public static byte[] slow(int calls) {
        String form = "0 0 m 1 1 l S\n".repeat(5_000);
        String page = "/F Do\n".repeat(calls);
        return raw(List.of(
                "<< /Type /Catalog /Pages 2 0 R >>".getBytes(StandardCharsets.US_ASCII),
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".getBytes(StandardCharsets.US_ASCII),
                ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                        + "/Resources << /XObject << /F 5 0 R >> >> >>").getBytes(StandardCharsets.US_ASCII),
                stream("", page.getBytes(StandardCharsets.US_ASCII)),
                stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", form.getBytes(StandardCharsets.US_ASCII))));
    }

    private static void addTextPage(PDDocument document, String text) throws IOException {
        PDPage page = new PDPage();
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
            content.setLeading(14);
            content.newLineAtOffset(50, 740);
            for (String line : text.split("\n")) {
                content.showText(line);
                content.newLine();
            }
            content.endText();
        }
    }

    private static byte[] save(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }

    private static byte[] stream(String dictionary, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("<< " + dictionary + " /Length " + data.length + " >>\nstream\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.writeBytes("\nendstream".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** A PDF of these objects (numbered from 1, the first the catalog) with a correct cross-reference table. */
    private static byte[] raw(List<byte[]> objects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII));
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            out.writeBytes(((i + 1) + " 0 obj\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(objects.get(i));
            out.writeBytes("\nendobj\n".getBytes(StandardCharsets.US_ASCII));
        }
        int xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        offsets.forEach(offset -> table.append(String.format("%010d 00000 n \n", offset)));
        table.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        out.writeBytes(table.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
