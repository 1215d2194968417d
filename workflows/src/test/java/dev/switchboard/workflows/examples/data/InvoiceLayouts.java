package dev.switchboard.workflows.examples.data;

import dev.switchboard.workflows.examples.data.SampleInvoice.Line;
import dev.switchboard.workflows.examples.data.SampleInvoice.Supplier;
import dev.switchboard.workflows.examples.data.SampleInvoice.TaxLine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The three page layouts of the sample invoices: classic (table with a tax column), modern (colour band), compact (receipt-like). */
final class InvoiceLayouts {

    private InvoiceLayouts() {
    }

    static void draw(SampleInvoice invoice, InvoicePage page, float height) {
        InvoiceWording words = InvoiceWording.of(invoice.supplier().locale());
        switch (invoice.template()) {
            case CLASSIC -> classic(invoice, words, page, height);
            case MODERN -> modern(invoice, words, page, height);
            case COMPACT -> compact(invoice, words, page, height);
        }
    }

    private static void classic(SampleInvoice invoice, InvoiceWording words, InvoicePage page, float height) {
        Supplier supplier = invoice.supplier();
        float top = height - 60;
        page.text(50, top, InvoicePage.BOLD, 15, supplier.name());
        page.text(50, top - 16, supplier.street());
        page.text(50, top - 28, supplier.city() + ", " + supplier.country());
        page.text(50, top - 40, supplier.email());
        if (supplier.vatId() != null) {
            page.text(50, top - 52, words.vatId() + " " + supplier.vatId());
        }
        page.right(545, top, InvoicePage.BOLD, 20, words.title());
        page.right(545, top - 22, words.number() + " " + invoice.number());
        page.right(545, top - 34, words.issued() + ": " + words.date(invoice.issueDate()));
        page.right(545, top - 46, words.due() + ": " + words.date(invoice.dueDate()));
        float y = buyer(page, words, 50, top - 90);
        y -= 24;
        page.text(50, y, InvoicePage.BOLD, 9.5f, words.description());
        page.right(340, y, InvoicePage.BOLD, 9.5f, words.quantity());
        page.right(425, y, InvoicePage.BOLD, 9.5f, words.unitPrice());
        page.right(470, y, InvoicePage.BOLD, 9.5f, words.vat());
        page.right(545, y, InvoicePage.BOLD, 9.5f, words.amount());
        page.rule(50, 545, y - 5);
        y -= 20;
        for (Line line : invoice.lines()) {
            page.text(50, y, line.description());
            page.right(340, y, words.plain(line.quantity()));
            page.right(425, y, words.money(line.unitPrice()));
            page.right(470, y, words.plain(line.taxRate()) + " %");
            page.right(545, y, words.money(line.net()));
            y -= 15;
        }
        page.rule(300, 545, y + 5);
        y = totals(invoice, words, page, 545, y - 12);
        footer(invoice, words, page, 50, Math.min(y - 30, 150));
    }

    private static void modern(SampleInvoice invoice, InvoiceWording words, InvoicePage page, float height) {
        Supplier supplier = invoice.supplier();
        page.color(0.11f, 0.27f, 0.45f);
        page.box(0, height - 95, 612, 95);
        page.color(1f, 1f, 1f);
        page.text(50, height - 50, InvoicePage.BOLD, 18, supplier.name());
        page.text(50, height - 68, supplier.street() + " · " + supplier.city() + " · " + supplier.email());
        page.right(545, height - 50, InvoicePage.BOLD, 16, words.title());
        page.color(0f, 0f, 0f);
        float top = height - 130;
        buyer(page, words, 50, top);
        page.text(340, top, InvoicePage.BOLD, 9.5f, words.number());
        page.right(545, top, invoice.number());
        page.text(340, top - 14, words.issued());
        page.right(545, top - 14, words.date(invoice.issueDate()));
        page.text(340, top - 28, words.due());
        page.right(545, top - 28, words.date(invoice.dueDate()));
        if (supplier.vatId() != null) {
            page.text(340, top - 42, words.vatId());
            page.right(545, top - 42, supplier.vatId());
        }
        float y = top - 110;
        page.color(0.92f, 0.94f, 0.97f);
        page.box(45, y - 6, 505, 20);
        page.color(0f, 0f, 0f);
        page.text(50, y, InvoicePage.BOLD, 9.5f, words.description());
        page.right(420, y, InvoicePage.BOLD, 9.5f, words.quantity() + " × " + words.unitPrice());
        page.right(545, y, InvoicePage.BOLD, 9.5f, words.amount());
        y -= 22;
        for (Line line : invoice.lines()) {
            page.text(50, y, line.description() + " (" + words.plain(line.taxRate()) + " %)");
            page.right(420, y, words.plain(line.quantity()) + " × " + words.money(line.unitPrice()));
            page.right(545, y, words.money(line.net()));
            y -= 16;
        }
        y = totals(invoice, words, page, 545, y - 14);
        page.color(0.95f, 0.95f, 0.95f);
        page.box(45, 70, 505, 70);
        page.color(0f, 0f, 0f);
        footer(invoice, words, page, 55, 122);
    }

    private static void compact(SampleInvoice invoice, InvoiceWording words, InvoicePage page, float height) {
        Supplier supplier = invoice.supplier();
        float y = height - 70;
        page.text(60, y, InvoicePage.BOLD, 13, supplier.name());
        y -= 14;
        page.text(60, y, supplier.street() + " · " + supplier.city() + (supplier.vatId() == null ? "" : " · " + words.vatId() + " " + supplier.vatId()));
        y -= 28;
        page.text(60, y, InvoicePage.BOLD, 11, words.title() + " " + invoice.number());
        y -= 15;
        page.text(60, y, words.issued() + " " + words.date(invoice.issueDate()) + "   " + words.due() + " " + words.date(invoice.dueDate()));
        y -= 15;
        String[] buyer = SampleInvoiceCatalog.BUYER;
        page.text(60, y, words.billTo() + ": " + buyer[0] + ", " + buyer[2] + ", " + buyer[3]);
        y -= 26;
        for (Line line : invoice.lines()) {
            page.text(60, y, words.plain(line.quantity()) + " × " + line.description() + " @ " + words.money(line.unitPrice())
                    + " (" + words.vat() + " " + words.plain(line.taxRate()) + " %)");
            page.right(535, y, words.money(line.net()));
            y -= 14;
        }
        page.rule(60, 535, y + 6);
        y = totals(invoice, words, page, 535, y - 10);
        footer(invoice, words, page, 60, y - 24);
    }

    private static float buyer(InvoicePage page, InvoiceWording words, float x, float y) {
        page.text(x, y, InvoicePage.BOLD, 9.5f, words.billTo());
        for (String line : SampleInvoiceCatalog.BUYER) {
            y -= 12;
            page.text(x, y, line);
        }
        return y;
    }

    private static float totals(SampleInvoice invoice, InvoiceWording words, InvoicePage page, float right, float y) {
        float labels = right - 190;
        page.text(labels, y, words.net());
        page.right(right, y, money(invoice, words, invoice.net()));
        boolean zeroRated = false;
        for (TaxLine tax : invoice.taxLines()) {
            y -= 14;
            zeroRated |= tax.rate().signum() == 0;
            page.text(labels, y, words.tax() + " " + words.plain(tax.rate()) + " % / " + words.money(tax.base()));
            page.right(right, y, money(invoice, words, tax.tax()));
        }
        y -= 18;
        page.text(labels, y, InvoicePage.BOLD, 11, words.total());
        page.right(right, y, InvoicePage.BOLD, 11, money(invoice, words, invoice.printedTotal()));
        if (zeroRated) {
            y -= 18;
            page.right(right, y, InvoicePage.REGULAR, 8, words.zeroRate());
        }
        return y;
    }

    private static void footer(SampleInvoice invoice, InvoiceWording words, InvoicePage page, float x, float y) {
        Supplier supplier = invoice.supplier();
        List<String> lines = new ArrayList<>();
        lines.add(words.payTo() + ": " + supplier.name());
        if (invoice.iban() != null) {
            lines.add("IBAN " + Iban.printed(invoice.iban()) + "   BIC " + supplier.bic());
        } else {
            lines.add("ABA routing " + supplier.achRouting() + "   Account " + supplier.achAccount() + "   SWIFT " + supplier.bic());
        }
        lines.add("Ref. " + invoice.number());
        page.text(x, y, InvoicePage.BOLD, 9.5f, lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            page.text(x, y - 13 * i, lines.get(i));
        }
    }

    /** 1 234,50 € / 1.234,50 EUR / CHF 1'234.50 / £1,234.50 / $1,234.50. */
    private static String money(SampleInvoice invoice, InvoiceWording words, BigDecimal amount) {
        String number = words.money(amount);
        return switch (invoice.currency()) {
            case "EUR" -> invoice.supplier().locale().equals("fr-FR") ? number + " €" : number + " EUR";
            case "GBP" -> "£" + number;
            case "USD" -> "$" + number;
            default -> invoice.currency() + " " + number;
        };
    }
}
