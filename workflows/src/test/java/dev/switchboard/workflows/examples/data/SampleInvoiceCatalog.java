package dev.switchboard.workflows.examples.data;

import dev.switchboard.workflows.examples.data.SampleInvoice.Defect;
import dev.switchboard.workflows.examples.data.SampleInvoice.Line;
import dev.switchboard.workflows.examples.data.SampleInvoice.Supplier;
import dev.switchboard.workflows.examples.data.SampleInvoice.Template;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sample supplier invoices received by Northwind Cloud SAS (Paris): declarative data, plus a seeded
 * {@link Random} per invoice so the same catalog always comes out. Every name, address, VAT id and account
 * number is invented.
 */
public final class SampleInvoiceCatalog {

    /** Who the invoices are addressed to. */
    public static final String[] BUYER = {"Northwind Cloud SAS", "Service comptabilité fournisseurs", "10 rue de l'Exemple", "75011 Paris, France", "TVA FR32912345678"};

    /** The password of the encrypted sample. */
    public static final String PASSWORD = "northwind";

    private record Item(String description, String unitPrice, String taxRate, int minQty, int maxQty) {
    }

    private record Source(Supplier supplier, String bban, String numberFormat, int firstNumber, int termsDays, String currency, List<Item> items) {
    }

    private static final List<Source> SOURCES = List.of(
            new Source(new Supplier("Hébergement Cirrus SAS", "42 quai des Nuages", "69002 Lyon", "FR", "FR61834512907", "CIRSFRP2", null, null, "factures@cirrus-hebergement.example.com", "fr-FR", Template.MODERN),
                    "30004012340001234567812", "FA-2026-%04d", 412, 30, "EUR", List.of(
                    new Item("Serveurs dédiés – cluster Paris (mois)", "1450.00", "20", 1, 3),
                    new Item("Stockage objet 10 To (mois)", "210.00", "20", 1, 4),
                    new Item("Bande passante supplémentaire 1 Gbit/s", "95.00", "20", 1, 2),
                    new Item("Support Premium 24/7 (mois)", "390.00", "20", 1, 1))),
            new Source(new Supplier("Papeterie du Marais SARL", "7 rue des Archives", "75004 Paris", "FR", "FR07489201365", "MARAFRPP", null, null, "compta@papeterie-marais.example.com", "fr-FR", Template.CLASSIC),
                    "10278060010002046830144", "F%05d", 18230, 30, "EUR", List.of(
                    new Item("Ramettes papier A4 80 g (carton de 5)", "24.90", "20", 2, 12),
                    new Item("Cartouche toner noir TN-2420", "68.50", "20", 1, 4),
                    new Item("Livre « La comptabilité des PME »", "32.00", "5.5", 1, 5),
                    new Item("Classeurs à levier (lot de 10)", "19.80", "20", 1, 6))),
            new Source(new Supplier("Traiteur Lumière", "18 avenue Parmentier", "75011 Paris", "FR", "FR93512876430", "LUMIFRPP", null, null, "contact@traiteur-lumiere.example.com", "fr-FR", Template.COMPACT),
                    "20041000011234567890168", "TL-%03d", 731, 15, "EUR", List.of(
                    new Item("Plateau-repas réunion", "18.50", "10", 8, 40),
                    new Item("Buffet déjeuner (par personne)", "27.00", "10", 10, 60),
                    new Item("Boissons sans alcool (par personne)", "4.50", "10", 10, 60),
                    new Item("Service et mise en place", "150.00", "20", 1, 1))),
            new Source(new Supplier("Kabelwerk Nord GmbH", "Hafenstraße 12", "20457 Hamburg", "DE", "DE284519736", "KANODEHH", null, null, "rechnung@kabelwerk-nord.example.com", "de-DE", Template.CLASSIC),
                    "200505501234567890", "RE-26-%05d", 10387, 14, "EUR", List.of(
                    new Item("USB-C Ladekabel 1 m, geflochten", "2.35", "0", 200, 2000),
                    new Item("Netzteil 5 V / 2 A, EU-Stecker", "4.80", "0", 100, 1000),
                    new Item("Verpackung und Versand", "45.00", "0", 1, 1))),
            new Source(new Supplier("Hotel Isarblick GmbH", "Isarweg 5", "80469 München", "DE", "DE193847562", "ISARDEMM", null, null, "buchhaltung@hotel-isarblick.example.com", "de-DE", Template.COMPACT),
                    "700500000012345678", "%06d", 250114, 14, "EUR", List.of(
                    new Item("Übernachtung Einzelzimmer", "139.00", "7", 2, 12),
                    new Item("Frühstück", "22.00", "19", 2, 12),
                    new Item("Tagungsraum Isar (ganztägig)", "650.00", "19", 1, 2),
                    new Item("Parkplatz (pro Tag)", "18.00", "19", 1, 4))),
            new Source(new Supplier("Messebau Sommer GmbH", "Am Messesee 3", "81829 München", "DE", "DE305816247", "SOMMDEM1", null, null, "info@messebau-sommer.example.com", "de-DE", Template.MODERN),
                    "701500001009876543", "MS-%04d-26", 512, 30, "EUR", List.of(
                    new Item("Standbau 24 m² Systemstand", "6480.00", "19", 1, 1),
                    new Item("Grafikdruck Rückwand 6 × 2,5 m", "890.00", "19", 1, 2),
                    new Item("Standreinigung (pro Tag)", "65.00", "19", 3, 5))),
            new Source(new Supplier("Brightwater Design Ltd", "Unit 4, 21 Canal Walk", "London N1 7AA", "GB", "GB284619375", "BRWDGB2L", null, null, "accounts@brightwater-design.example.com", "en-GB", Template.MODERN),
                    "BWDS20451712345678", "BWD-%04d", 1187, 30, "GBP", List.of(
                    new Item("Brand refresh – design sprint (day rate)", "850.00", "0", 2, 5),
                    new Item("Illustration set for the help centre", "1200.00", "0", 1, 1),
                    new Item("Project management (hours)", "95.00", "0", 4, 12))),
            new Source(new Supplier("Thameside Events Ltd", "3 Riverside Court", "London SE1 9PG", "GB", "GB193274658", "THEVGB21", null, null, "billing@thameside-events.example.com", "en-GB", Template.CLASSIC),
                    "THEV40051587654321", "INV-%06d", 4417, 30, "GBP", List.of(
                    new Item("Conference pass – FinOps Live London", "495.00", "20", 2, 6),
                    new Item("Exhibitor table (2 days)", "1750.00", "20", 1, 1),
                    new Item("Lunch vouchers", "15.00", "20", 4, 20))),
            new Source(new Supplier("Quill & Ledger Consulting LLP", "88 Market Street", "Manchester M1 1PW", "GB", "GB364812950", "QULEGB2M", null, null, "invoices@quill-ledger.example.com", "en-GB", Template.COMPACT),
                    "QULE30967611223344", "QL%05d", 20931, 30, "GBP", List.of(
                    new Item("Month-end close support (hours)", "120.00", "0", 6, 24),
                    new Item("VAT advisory – OSS registration", "650.00", "0", 1, 1))),
            new Source(new Supplier("Redline Devices Inc.", "1200 Harbor Way", "Oakland, CA 94607", "US", null, "RDLNUS6S", "121000358", "004512987731", "ar@redline-devices.example.com", "en-US", Template.CLASSIC),
                    null, "%05d", 10482, 30, "USD", List.of(
                    new Item("Northwind Tap card reader NT-2 (unit)", "31.40", "0", 100, 800),
                    new Item("Reader charging dock", "9.75", "0", 20, 200),
                    new Item("Ocean freight Oakland – Rotterdam", "1280.00", "0", 1, 1))),
            new Source(new Supplier("Pixelforge Analytics LLC", "455 Pine Street", "Seattle, WA 98101", "US", null, "PXFGUS33", "125000024", "771203884519", "billing@pixelforge.example.com", "en-US", Template.MODERN),
                    null, "PXF-%05d", 3391, 30, "USD", List.of(
                    new Item("Analytics Pro – annual seat", "588.00", "0", 3, 10),
                    new Item("Onboarding workshop (remote)", "1500.00", "0", 1, 1))),
            new Source(new Supplier("Alpenblick Hotel AG", "Seestrasse 40", "8002 Zürich", "CH", "CHE-245.318.906 MWST", "ALPBCHZZ", null, null, "reception@alpenblick-hotel.example.com", "de-CH", Template.COMPACT),
                    "002300000123456789", "R-2026-%03d", 118, 30, "CHF", List.of(
                    new Item("Übernachtung Doppelzimmer", "245.00", "3.8", 2, 8),
                    new Item("Seminarpauschale (pro Person)", "89.00", "8.1", 4, 16),
                    new Item("Abendessen (pro Person)", "64.00", "8.1", 4, 16))),
            new Source(new Supplier("Helvetia Translations GmbH", "Bahnhofplatz 9", "3011 Bern", "CH", "CHE-318.604.227 MWST", "HELVCHBB", null, null, "office@helvetia-translations.example.com", "de-CH", Template.MODERN),
                    "007900000098765432", "HT-%04d", 2208, 30, "CHF", List.of(
                    new Item("Übersetzung DE–FR, Hilfeartikel (Wörter)", "0.24", "0", 2000, 12000),
                    new Item("Lektorat (Stunden)", "110.00", "0", 2, 8))),
            new Source(new Supplier("Atelier Néon SARL", "5 impasse des Lumières", "13002 Marseille", "FR", "FR45790123468", "NEONFRPP", null, null, "atelier@atelier-neon.example.com", "fr-FR", Template.CLASSIC),
                    "30003013000005001234567", "AN%04d", 977, 30, "EUR", List.of(
                    new Item("Enseigne lumineuse LED sur mesure", "2400.00", "20", 1, 1),
                    new Item("Pose et raccordement", "480.00", "20", 1, 1),
                    new Item("Déplacement (km)", "0.65", "20", 40, 800))));

    private static final int PER_SUPPLIER = 4;

    /** Which invoice (by position) carries which deliberate problem, and why it is one. */
    private static final Map<Integer, Defect> DEFECTS = Map.of(
            5, Defect.TOTAL_MISMATCH,
            12, Defect.DUE_BEFORE_ISSUE,
            18, Defect.BAD_IBAN_CHECKSUM,
            27, Defect.DUPLICATE_NUMBER,
            33, Defect.ENCRYPTED,
            42, Defect.IMAGE_ONLY,
            49, Defect.MALFORMED);

    private SampleInvoiceCatalog() {
    }

    /** All sample invoices, in file order. */
    public static List<SampleInvoice> invoices() {
        List<SampleInvoice> invoices = new ArrayList<>();
        int position = 0;
        for (int s = 0; s < SOURCES.size(); s++) {
            Source source = SOURCES.get(s);
            for (int k = 0; k < PER_SUPPLIER; k++) {
                position++;
                invoices.add(invoice(position, source, k, invoices));
            }
        }
        return List.copyOf(invoices);
    }

    private static SampleInvoice invoice(int position, Source source, int k, List<SampleInvoice> earlier) {
        Random random = new Random(7919L * position);
        Defect defect = DEFECTS.get(position);
        LocalDate issue = LocalDate.of(2026, 9, 1).plusDays(k * 19L + random.nextInt(12));
        LocalDate due = issue.plusDays(source.termsDays());
        String number = String.format(source.numberFormat(), source.firstNumber() + k * 10 + random.nextInt(9));
        String note = null;
        if (defect == Defect.DUE_BEFORE_ISSUE) {
            due = issue.minusDays(30);
            note = "Due date " + due + " is before the issue date " + issue + " (the supplier's system subtracted the terms).";
        }
        List<Line> lines = lines(source, random);
        String iban = source.bban() == null ? null : Iban.of(source.supplier().country(), source.bban());
        if (defect == Defect.BAD_IBAN_CHECKSUM) {
            char[] digits = iban.toCharArray();
            int at = digits.length - 3;
            char swap = digits[at];
            digits[at] = digits[at + 1];
            digits[at + 1] = swap;
            iban = new String(digits);
            note = "Two digits of the IBAN are swapped; the mod-97 check fails.";
        }
        if (defect == Defect.DUPLICATE_NUMBER) {
            SampleInvoice previous = earlier.get(earlier.size() - 1);
            number = previous.number();
            note = "Same invoice number as " + previous.file() + " from the same supplier, with other lines and dates.";
        }
        String file = String.format("%02d-%s-%s.pdf", position, slug(source.supplier().name()), slug(number));
        SampleInvoice draft = new SampleInvoice(file, source.supplier().template(), source.supplier(), number, issue, due,
                source.currency(), lines, null, iban, defect, note);
        BigDecimal printed = draft.total();
        if (defect == Defect.TOTAL_MISMATCH) {
            printed = printed.add(new BigDecimal("10.00"));
            note = "The printed total is 10.00 more than net plus tax.";
        }
        if (defect == Defect.ENCRYPTED) {
            note = "Encrypted (RC4 128-bit); opens with the user password '" + PASSWORD + "'.";
        } else if (defect == Defect.IMAGE_ONLY) {
            note = "A scan: the page is one image and has no text layer; fields need OCR.";
        } else if (defect == Defect.MALFORMED) {
            note = "Truncated download: only the first part of the PDF was saved; it cannot be parsed.";
        }
        return new SampleInvoice(file, draft.template(), draft.supplier(), number, issue, due, draft.currency(), lines, printed, iban, defect, note);
    }

    private static List<Line> lines(Source source, Random random) {
        List<Item> items = source.items();
        int count = 1 + random.nextInt(items.size());
        int first = random.nextInt(items.size());
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Item item = items.get((first + i) % items.size());
            int quantity = item.minQty() + random.nextInt(item.maxQty() - item.minQty() + 1);
            lines.add(new Line(item.description(), BigDecimal.valueOf(quantity), new BigDecimal(item.unitPrice()), new BigDecimal(item.taxRate())));
        }
        return List.copyOf(lines);
    }

    private static String slug(String text) {
        String ascii = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return ascii.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
