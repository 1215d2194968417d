package dev.switchboard.workflows.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.workflows.examples.data.SampleInvoice.Defect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed sample invoices are what {@link InvoicePdfs} writes. After changing the catalog or the layouts,
 * regenerate them with
 * {@code ./mvnw -B -pl workflows -am test -Dtest=InvoicePdfsTest -Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.regenerate=true}.
 */
class InvoicePdfsTest {

    static final Path COMMITTED = Path.of("examples/data/invoices");
    private static final String REGENERATE = "./mvnw -B -pl workflows -am test -Dtest=InvoicePdfsTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.regenerate=true";

    @Test
    void should_write_the_same_bytes_when_run_twice(@TempDir Path first, @TempDir Path second) throws Exception {
        // when
        List<SampleInvoice> invoices = InvoicePdfs.generate(first);
        InvoicePdfs.generate(second);

        // then
        for (SampleInvoice invoice : invoices) {
            assertThat(first.resolve(invoice.file())).as(invoice.file()).hasSameBinaryContentAs(second.resolve(invoice.file()));
        }
        assertThat(first.resolve(InvoicePdfs.GROUND_TRUTH)).hasSameBinaryContentAs(second.resolve(InvoicePdfs.GROUND_TRUTH));
    }

    @Test
    void should_match_the_committed_samples_when_regenerated(@TempDir Path fresh) throws Exception {
        if (Boolean.getBoolean("switchboard.regenerate")) {
            clear(COMMITTED);
            InvoicePdfs.generate(COMMITTED);
        }
        // given
        List<SampleInvoice> invoices = InvoicePdfs.generate(fresh);

        // then the folder holds exactly these files, with the same ground truth and the same text
        try (Stream<Path> files = Files.list(COMMITTED)) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".pdf")).sorted())
                    .as("PDFs in %s; regenerate with %s", COMMITTED, REGENERATE)
                    .containsExactlyElementsOf(invoices.stream().map(SampleInvoice::file).sorted().toList());
        }
        assertThat(COMMITTED.resolve(InvoicePdfs.GROUND_TRUTH)).as("regenerate with %s", REGENERATE)
                .hasSameTextualContentAs(fresh.resolve(InvoicePdfs.GROUND_TRUTH));
        for (SampleInvoice invoice : invoices) {
            Path committed = COMMITTED.resolve(invoice.file());
            if (invoice.defect() == Defect.MALFORMED) {
                assertThatThrownBy(() -> text(committed, invoice)).as(invoice.file()).isInstanceOf(IOException.class);
            } else {
                assertThat(text(committed, invoice)).as("%s; regenerate with %s", invoice.file(), REGENERATE)
                        .isEqualTo(text(fresh.resolve(invoice.file()), invoice));
            }
        }
    }

    @Test
    void should_need_the_password_when_the_invoice_is_encrypted() throws Exception {
        // given
        SampleInvoice encrypted = only(Defect.ENCRYPTED);

        // when / then
        assertThatThrownBy(() -> Loader.loadPDF(COMMITTED.resolve(encrypted.file()).toFile()).close()).isInstanceOf(IOException.class);
        assertThat(text(COMMITTED.resolve(encrypted.file()), encrypted)).contains(encrypted.number());
    }

    @Test
    void should_have_no_text_layer_when_the_invoice_is_a_scan() throws Exception {
        // given
        SampleInvoice scan = only(Defect.IMAGE_ONLY);

        // when / then
        assertThat(text(COMMITTED.resolve(scan.file()), scan)).isBlank();
    }

    @Test
    void should_show_number_dates_and_printed_total_when_the_text_is_extracted() throws Exception {
        for (SampleInvoice invoice : SampleInvoiceCatalog.invoices()) {
            if (invoice.defect() == Defect.MALFORMED || invoice.defect() == Defect.IMAGE_ONLY) {
                continue;
            }
            // when
            String text = text(COMMITTED.resolve(invoice.file()), invoice);

            // then
            InvoiceWording words = InvoiceWording.of(invoice.supplier().locale());
            assertThat(text).as(invoice.file())
                    .contains(invoice.number(), words.date(invoice.issueDate()), words.date(invoice.dueDate()),
                            words.money(invoice.printedTotal()), invoice.supplier().name());
            if (invoice.iban() != null) {
                assertThat(text).as(invoice.file()).contains(Iban.printed(invoice.iban()));
            }
        }
    }

    static String text(Path pdf, SampleInvoice invoice) throws IOException {
        String password = invoice.defect() == Defect.ENCRYPTED ? SampleInvoiceCatalog.PASSWORD : "";
        try (PDDocument document = Loader.loadPDF(pdf.toFile(), password)) {
            return new PDFTextStripper().getText(document);
        }
    }

    private static SampleInvoice only(Defect defect) {
        return SampleInvoiceCatalog.invoices().stream().filter(invoice -> invoice.defect() == defect).findFirst().orElseThrow();
    }

    private static void clear(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pdf")).toList()) {
                Files.delete(file);
            }
        }
    }
}
