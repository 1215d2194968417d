package dev.switchboard.workflows.examples.data;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** Labels, number and date formats of an invoice in its supplier's language. */
/* English month names from Locale.US: en-GB abbreviations changed between JDK releases (Sep / Sept). */
record InvoiceWording(String title, String number, String issued, String due, String description, String quantity,
                      String unitPrice, String vat, String amount, String net, String tax, String total, String payTo,
                      String zeroRate, String billTo, String vatId, Locale locale, DateTimeFormatter dates) {

    private static final Map<String, InvoiceWording> BY_LOCALE = Map.of(
            "fr-FR", new InvoiceWording("FACTURE", "Facture n°", "Date d'émission", "Échéance", "Désignation", "Qté",
                    "Prix unitaire HT", "TVA", "Montant HT", "Total HT", "TVA", "Total TTC", "Règlement par virement",
                    "TVA non applicable", "Facturé à", "N° TVA", Locale.FRANCE, DateTimeFormatter.ofPattern("dd/MM/yyyy")),
            "de-DE", new InvoiceWording("RECHNUNG", "Rechnungsnummer", "Rechnungsdatum", "Fällig am", "Bezeichnung", "Menge",
                    "Einzelpreis", "USt.", "Betrag", "Nettobetrag", "Umsatzsteuer", "Gesamtbetrag", "Bankverbindung",
                    "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge)", "Rechnungsempfänger", "USt-IdNr.",
                    Locale.GERMANY, DateTimeFormatter.ofPattern("dd.MM.yyyy")),
            "de-CH", new InvoiceWording("RECHNUNG", "Rechnung Nr.", "Datum", "Zahlbar bis", "Beschreibung", "Anzahl",
                    "Preis", "MWST", "Betrag", "Total exkl. MWST", "MWST", "Total", "Zahlung an",
                    "Leistung im Ausland, nicht steuerbar", "Rechnungsadresse", "UID", new Locale("de", "CH"),
                    DateTimeFormatter.ofPattern("dd.MM.yyyy")),
            "en-GB", new InvoiceWording("INVOICE", "Invoice no.", "Invoice date", "Due date", "Description", "Qty",
                    "Unit price", "VAT", "Amount", "Subtotal", "VAT", "Total due", "Pay by bank transfer to",
                    "Outside the scope of UK VAT: reverse charge applies", "Bill to", "VAT reg. no.", Locale.UK,
                    DateTimeFormatter.ofPattern("d MMM yyyy", Locale.US)),
            "en-US", new InvoiceWording("INVOICE", "Invoice #", "Invoice date", "Due date", "Description", "Qty",
                    "Unit price", "Tax", "Amount", "Subtotal", "Tax", "Balance due", "Remit by ACH or wire to",
                    "No sales tax: export sale", "Bill to", "Tax ID", Locale.US, DateTimeFormatter.ofPattern("MM/dd/yyyy")));

    static InvoiceWording of(String locale) {
        InvoiceWording wording = BY_LOCALE.get(locale);
        if (wording == null) {
            throw new IllegalArgumentException("Unknown invoice locale '" + locale + "', expected one of " + BY_LOCALE.keySet());
        }
        return wording;
    }

    String date(LocalDate date) {
        return dates.format(date);
    }

    /** An amount with two decimals in the supplier's style: 1 234,50 / 1.234,50 / 1’234.50 / 1,234.50. */
    String money(BigDecimal amount) {
        return decimal("#,##0.00").format(amount);
    }

    /** A quantity or rate with as many decimals as it has: 12 / 0,5 / 8.1. */
    String plain(BigDecimal number) {
        return decimal("#,##0.###").format(number);
    }

    private DecimalFormat decimal(String pattern) {
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
        // JDK locale data changes between releases (narrow no-break spaces, apostrophes); fix the separators.
        switch (locale.toLanguageTag()) {
            case "fr-FR" -> { symbols.setGroupingSeparator(' '); symbols.setDecimalSeparator(','); }
            case "de-DE" -> { symbols.setGroupingSeparator('.'); symbols.setDecimalSeparator(','); }
            case "de-CH" -> { symbols.setGroupingSeparator('\''); symbols.setDecimalSeparator('.'); }
            default -> { symbols.setGroupingSeparator(','); symbols.setDecimalSeparator('.'); }
        }
        return new DecimalFormat(pattern, symbols);
    }
}
