package dev.switchboard.workflows.examples.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.workflows.examples.data.SampleInvoice.Line;
import dev.switchboard.workflows.examples.data.SampleInvoice.Supplier;
import dev.switchboard.workflows.examples.data.SampleInvoice.TaxLine;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the sample invoice PDFs and their ground truth ({@code ground-truth.jsonl}) into a folder.
 * {@code InvoicePdfsTest} fails when the committed copies in examples/data/invoices differ from what this writes,
 * and regenerates them when run with {@code -Dswitchboard.regenerate=true}.
 */
public final class InvoicePdfs {

    public static final String GROUND_TRUTH = "ground-truth.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private InvoicePdfs() {
    }

    /** Writes every sample invoice and the ground truth into {@code folder}; returns the invoices written. */
    public static List<SampleInvoice> generate(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<SampleInvoice> invoices = SampleInvoiceCatalog.invoices();
        StringBuilder truth = new StringBuilder();
        for (SampleInvoice invoice : invoices) {
            Files.write(folder.resolve(invoice.file()), InvoicePdfWriter.write(invoice));
            truth.append(JSON.writeValueAsString(groundTruth(invoice))).append('\n');
        }
        Files.writeString(folder.resolve(GROUND_TRUTH), truth.toString(), StandardCharsets.UTF_8);
        return invoices;
    }

    /** What an extraction of {@code invoice} should find, and which deliberate problem it has. */
    public static ObjectNode groundTruth(SampleInvoice invoice) {
        Supplier supplier = invoice.supplier();
        ObjectNode row = JSON.createObjectNode();
        row.put("file", invoice.file());
        row.put("template", invoice.template().name().toLowerCase());
        row.put("language", supplier.locale());
        ObjectNode from = row.putObject("supplier");
        from.put("name", supplier.name());
        from.put("address", supplier.street() + ", " + supplier.city());
        from.put("country", supplier.country());
        from.put("vat_id", supplier.vatId());
        from.put("email", supplier.email());
        row.put("buyer", SampleInvoiceCatalog.BUYER[0]);
        row.put("invoice_number", invoice.number());
        row.put("issue_date", invoice.issueDate().toString());
        row.put("due_date", invoice.dueDate().toString());
        row.put("currency", invoice.currency());
        row.put("net", amount(invoice.net()));
        ArrayNode taxes = row.putArray("tax_lines");
        for (TaxLine tax : invoice.taxLines()) {
            taxes.addObject().put("rate", tax.rate().toPlainString()).put("base", amount(tax.base())).put("tax", amount(tax.tax()));
        }
        row.put("tax_total", amount(invoice.taxTotal()));
        row.put("total", amount(invoice.total()));
        row.put("printed_total", amount(invoice.printedTotal()));
        row.put("iban", invoice.iban());
        row.put("iban_valid", invoice.iban() == null ? null : Iban.isValid(invoice.iban()));
        row.put("bic", supplier.bic());
        if (supplier.achRouting() != null) {
            row.putObject("ach").put("routing_number", supplier.achRouting()).put("account_number", supplier.achAccount());
        }
        ArrayNode lines = row.putArray("line_items");
        for (Line line : invoice.lines()) {
            lines.addObject()
                    .put("description", line.description())
                    .put("quantity", line.quantity().toPlainString())
                    .put("unit_price", amount(line.unitPrice()))
                    .put("tax_rate", line.taxRate().toPlainString())
                    .put("net", amount(line.net()));
        }
        row.put("defect", invoice.defect() == null ? null : invoice.defect().code());
        row.put("defect_note", invoice.defectNote());
        return row;
    }

    private static String amount(BigDecimal value) {
        return value.setScale(2).toPlainString();
    }

    /** Regenerates the committed samples: {@code InvoicePdfs <folder>}, normally workflows/examples/data/invoices. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("Usage: InvoicePdfs <folder>   (from the repository root: workflows/examples/data/invoices)");
            System.exit(2);
        }
        List<SampleInvoice> invoices = generate(Path.of(args[0]));
        System.out.println("Wrote " + invoices.size() + " invoices and " + GROUND_TRUTH + " to " + args[0]);
    }
}
