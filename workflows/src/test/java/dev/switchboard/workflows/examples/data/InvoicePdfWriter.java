package dev.switchboard.workflows.examples.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Writes one sample invoice as PDF bytes. The document id and dates come from the invoice, so the same invoice
 * gives the same bytes on every run; the deliberate defects (encrypted, image only, malformed) are made here.
 */
final class InvoicePdfWriter {

    private static final int SCAN_DPI = 100;

    private InvoicePdfWriter() {
    }

    static byte[] write(SampleInvoice invoice) throws IOException {
        if (invoice.defect() == SampleInvoice.Defect.IMAGE_ONLY) {
            return scanned(invoice);
        }
        byte[] pdf = text(invoice, invoice.defect() == SampleInvoice.Defect.ENCRYPTED);
        if (invoice.defect() == SampleInvoice.Defect.MALFORMED) {
            // a download cut off part way: the header and the first objects, no cross-reference table, no trailer
            return Arrays.copyOf(pdf, pdf.length * 2 / 5);
        }
        return pdf;
    }

    private static byte[] text(SampleInvoice invoice, boolean encrypted) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDRectangle size = invoice.supplier().country().equals("US") ? PDRectangle.LETTER : PDRectangle.A4;
            PDPage page = new PDPage(size);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                InvoiceLayouts.draw(invoice, new InvoicePage(content), size.getHeight());
            }
            describe(document, invoice);
            if (encrypted) {
                // RC4 rather than AES: AES draws a random IV per string, RC4 keys come from the fixed id and the passwords
                StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-" + SampleInvoiceCatalog.PASSWORD,
                        SampleInvoiceCatalog.PASSWORD, new AccessPermission());
                policy.setEncryptionKeyLength(128);
                policy.setPreferAES(false);
                document.protect(policy);
            }
            return bytes(document);
        }
    }

    /** The invoice as a scanner would deliver it: one grey image per page, no text layer. */
    private static byte[] scanned(SampleInvoice invoice) throws IOException {
        BufferedImage image;
        PDRectangle size;
        try (PDDocument original = Loader.loadPDF(text(invoice, false))) {
            size = original.getPage(0).getMediaBox();
            image = new PDFRenderer(original).renderImageWithDPI(0, SCAN_DPI, ImageType.GRAY);
        }
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage(size);
            document.addPage(page);
            PDImageXObject scan = LosslessFactory.createFromImage(document, image);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.drawImage(scan, 0, 0, size.getWidth(), size.getHeight());
            }
            describe(document, invoice);
            return bytes(document);
        }
    }

    private static void describe(PDDocument document, SampleInvoice invoice) {
        PDDocumentInformation info = document.getDocumentInformation();
        info.setTitle(InvoiceWording.of(invoice.supplier().locale()).title() + " " + invoice.number());
        info.setAuthor(invoice.supplier().name());
        info.setCreator("Switchboard sample invoices");
        info.setProducer("Apache PDFBox");
        Calendar created = new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC));
        created.clear();
        created.set(invoice.issueDate().getYear(), invoice.issueDate().getMonthValue() - 1, invoice.issueDate().getDayOfMonth(), 9, 0, 0);
        info.setCreationDate(created);
        info.setModificationDate(created);
        byte[] id = md5(invoice.file());
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        document.getDocument().getTrailer().setItem(COSName.ID, ids);
    }

    private static byte[] bytes(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }
}
