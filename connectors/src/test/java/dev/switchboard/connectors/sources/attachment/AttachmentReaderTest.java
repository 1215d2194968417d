package dev.switchboard.connectors.sources.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.sources.attachment.Extraction.Status;
import dev.switchboard.connectors.testkit.YamlOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AttachmentReaderTest {

    private AttachmentReader reader = new AttachmentReader(AttachmentText.defaults());

    @AfterEach
    void close() {
        reader.close();
    }

    private Extraction read(String type, String name, byte[] content) {
        return reader.read(type, name, content, content.length, reader.budget());
    }

    private static AttachmentText caps(String yaml) {
        return YamlOptions.bind(AttachmentText.class, yaml);
    }

    @Test
    void should_read_the_text_layer_and_count_pages_when_the_pdf_has_text() {
        // when
        Extraction extraction = read("application/pdf", "invoice.pdf", TestPdfs.text("Invoice FA-2026-0414\nTotal EUR 870.00", "Page two"));

        // then
        assertThat(extraction.status()).isEqualTo(Status.OK);
        assertThat(extraction.text()).contains("Invoice FA-2026-0414", "Total EUR 870.00", "Page two");
        assertThat(extraction.pages()).isEqualTo(2);
        assertThat(extraction.truncated()).isFalse();
        assertThat(extraction.reason()).isNull();
    }

    @Test
    void should_report_encrypted_with_a_reason_when_the_pdf_needs_a_password() {
        // when
        Extraction extraction = read("application/pdf", "locked.pdf", TestPdfs.encrypted("Secret invoice", "northwind"));

        // then
        assertThat(extraction.status()).isEqualTo(Status.ENCRYPTED);
        assertThat(extraction.text()).isNull();
        assertThat(extraction.reason()).contains("encrypted with a password");
    }

    @Test
    void should_report_unreadable_when_the_pdf_is_cut_short() {
        // when
        Extraction extraction = read("application/pdf", "partial.pdf", TestPdfs.truncated("Invoice HT-2215\nTotal CHF 550.00"));

        // then
        assertThat(extraction.status()).isEqualTo(Status.UNREADABLE);
        assertThat(extraction.reason()).startsWith("The PDF cannot be parsed (");
    }

    @Test
    void should_report_no_text_with_the_page_count_when_the_pdf_is_a_scan() {
        // when
        Extraction extraction = read("application/pdf", "scan.pdf", TestPdfs.imageOnly(2));

        // then
        assertThat(extraction.status()).isEqualTo(Status.NO_TEXT);
        assertThat(extraction.pages()).isEqualTo(2);
        assertThat(extraction.reason()).contains("no text layer", "OCR");
    }

    @Test
    void should_refuse_a_decompression_bomb_before_parsing_when_a_stream_expands_past_the_cap() {
        // given 256 MiB of spaces in a deflated content stream of a few hundred kilobytes
        byte[] bomb = TestPdfs.decompressionBomb(256L * 1024 * 1024);
        assertThat(bomb.length).isLessThan(1024 * 1024);

        // when
        Extraction extraction = read("application/pdf", "bomb.pdf", bomb);

        // then
        assertThat(extraction.status()).isEqualTo(Status.TOO_LARGE);
        assertThat(extraction.reason()).contains("expands past 64 MiB", "decompression bomb");
    }

    @Test
    void should_read_a_pdf_whose_streams_stay_within_the_cap() {
        // given a content stream of 2 MiB of spaces: large, but within the cap
        Extraction extraction = read("application/pdf", "spaces.pdf", TestPdfs.decompressionBomb(2L * 1024 * 1024));

        // then it is parsed, and found to have no text
        assertThat(extraction.status()).isEqualTo(Status.NO_TEXT);
    }

    @Test
    void should_report_too_large_without_reading_when_the_attachment_is_over_the_byte_cap() {
        // when
        Extraction extraction = reader.read("application/pdf", "huge.pdf", null, 20L * 1024 * 1024, reader.budget());

        // then
        assertThat(extraction.status()).isEqualTo(Status.TOO_LARGE);
        assertThat(extraction.reason()).contains("20971520 bytes", "attachment_max_bytes");
    }

    @Test
    void should_stop_at_the_time_bound_and_keep_reading_later_files_when_a_pdf_is_slow() {
        // given a reader with a one-second budget and a PDF that takes far longer
        reader.close();
        reader = new AttachmentReader(caps("attachment_timeout_seconds: 1"));

        // when two slow files come in (as many as the reader has threads), then an ordinary one
        Extraction slow = read("application/pdf", "slow.pdf", TestPdfs.slow(50_000));
        Extraction slowAgain = read("application/pdf", "slow-again.pdf", TestPdfs.slow(50_000));
        Extraction next = read("application/pdf", "next.pdf", TestPdfs.text("Invoice after the slow one"));

        // then the slow ones time out, their readers stop, and the next attachment is read all the same
        assertThat(slow.status()).isEqualTo(Status.TIMEOUT);
        assertThat(slowAgain.status()).isEqualTo(Status.TIMEOUT);
        assertThat(slow.reason()).contains("attachment_timeout_seconds (1 s");
        assertThat(next.status()).isEqualTo(Status.OK);
        assertThat(next.text()).contains("Invoice after the slow one");
    }

    @Test
    void should_cut_the_text_and_mark_it_truncated_when_the_character_or_page_cap_is_reached() {
        // given
        reader.close();
        reader = new AttachmentReader(caps("{attachment_max_chars: 100, attachment_max_pages: 2}"));

        // when
        Extraction long_ = read("application/pdf", "long.pdf", TestPdfs.text("x".repeat(90) + "\n" + "y".repeat(90)));
        Extraction pages = read("application/pdf", "pages.pdf", TestPdfs.text("one", "two", "three"));

        // then
        assertThat(long_.text()).hasSizeLessThanOrEqualTo(100).startsWith("x".repeat(90));
        assertThat(long_.truncated()).isTrue();
        assertThat(pages.text()).contains("one", "two").doesNotContain("three");
        assertThat(pages.pages()).isEqualTo(3);
        assertThat(pages.truncated()).isTrue();
    }

    @Test
    void should_share_the_character_cap_among_the_attachments_of_one_message() {
        // given a message may carry 150 characters of attachment text in all
        reader.close();
        reader = new AttachmentReader(caps("{attachment_max_chars: 100, attachment_max_total_chars: 150}"));
        AttachmentReader.Budget budget = reader.budget();
        byte[] text = "z".repeat(100).getBytes(StandardCharsets.UTF_8);

        // when
        List<Extraction> read = List.of(reader.read("text/plain", "a.txt", text, 100, budget),
                reader.read("text/plain", "b.txt", text, 100, budget), reader.read("text/plain", "c.txt", text, 100, budget));

        // then
        assertThat(read).extracting(extraction -> extraction.text() == null ? 0 : extraction.text().length()).containsExactly(100, 50, 0);
        assertThat(read.get(2).status()).isEqualTo(Status.TOO_LARGE);
    }

    @Test
    void should_read_text_types_in_their_charset_and_html_as_text() {
        // when
        Extraction latin = read("text/csv; charset=ISO-8859-1", "rows.csv", "Müller;12,50\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Extraction html = read("text/html", "note.html", "<p>Paid &amp; <b>closed</b></p>".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(latin.text()).isEqualTo("Müller;12,50");
        assertThat(html.text()).isEqualTo("Paid & closed");
    }

    @Test
    void should_read_a_pdf_sent_as_octet_stream_and_skip_types_that_are_not_listed() {
        // when
        Extraction octets = read("application/octet-stream", "scan0001", TestPdfs.text("Invoice 77"));
        Extraction image = read("image/png", "logo.png", new byte[] {1, 2, 3});

        // then
        assertThat(reader.wants("application/octet-stream", "scan0001")).isTrue();
        assertThat(reader.wants("image/png", "logo.png")).isFalse();
        assertThat(octets.text()).contains("Invoice 77");
        assertThat(image).isNull();
    }

    @Test
    void should_report_each_invalid_media_type_when_the_options_are_checked() {
        // when
        List<String> problems = caps("attachment_types: [application/pdf, 'text', 'Image/PNG']").check().stream()
                .map(problem -> problem.message("sources.inbox.imap")).toList();

        // then
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("attachment_types[1]", "'text'");
        assertThat(problems.get(1)).contains("attachment_types[2]", "'Image/PNG'");
    }
}
