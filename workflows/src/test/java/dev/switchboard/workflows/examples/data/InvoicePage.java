package dev.switchboard.workflows.examples.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Text and boxes on one page, in points from the bottom left; the standard 14 fonts, so nothing is embedded. */
final class InvoicePage {

    static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

    private final PDPageContentStream content;

    InvoicePage(PDPageContentStream content) {
        this.content = content;
    }

    void text(float x, float y, PDType1Font font, float size, String text) {
        try {
            content.beginText();
            content.setFont(font, size);
            content.newLineAtOffset(x, y);
            content.showText(text);
            content.endText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void text(float x, float y, String text) {
        text(x, y, REGULAR, 9.5f, text);
    }

    /** Text whose right edge is at {@code right}. */
    void right(float right, float y, PDType1Font font, float size, String text) {
        text(right - width(font, size, text), y, font, size, text);
    }

    void right(float right, float y, String text) {
        right(right, y, REGULAR, 9.5f, text);
    }

    void color(float red, float green, float blue) {
        try {
            content.setNonStrokingColor(red, green, blue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void box(float x, float y, float width, float height) {
        try {
            content.addRect(x, y, width, height);
            content.fill();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void rule(float x1, float x2, float y) {
        try {
            content.setLineWidth(0.6f);
            content.moveTo(x1, y);
            content.lineTo(x2, y);
            content.stroke();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float width(PDType1Font font, float size, String text) {
        try {
            return font.getStringWidth(text) / 1000f * size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
