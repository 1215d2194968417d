package dev.switchboard.llm.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiMaskerTest {

    /** The largest input a step accepts ({@code max_input_chars} maximum). */
    static final int MAX_INPUT_CHARS = 200_000;

    /**
     * Generous for a linear scan of 200,000 characters (phone numbers are looked for in four regions:
     * 2 s at most on a quiet machine), far short of a quadratic one. It bounds the CPU time of the thread
     * that masks, not the wall time: waiting for a core on a loaded machine (load 25 made a 20 s wall bound
     * fail) is not the scan's cost.
     */
    private static final Duration LINEAR_BOUND = Duration.ofSeconds(20);
    /** A quadratic scan of these inputs takes minutes: the test gives up on it after this long. */
    private static final Duration WALL_LIMIT = Duration.ofSeconds(120);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PiiMasker masker = new PiiMasker();

    /** Runs built to make a backtracking pattern retry from every position, each as long as a step accepts. */
    static Stream<Arguments> adversarialInputs() {
        return Stream.of(
                Arguments.of("letters (email local part)", repeat("a")),
                Arguments.of("dotted letters (email local part)", repeat("a.")),
                Arguments.of("a@ pairs (email)", repeat("a@")),
                Arguments.of("one @ and a long dotted domain (email)", "x@" + repeat("a.").substring(2)),
                Arguments.of("letters and digits (IBAN)", repeat("AB12")),
                Arguments.of("spaced digits (card, phone)", repeat("1 ")),
                Arguments.of("dashed digits (card, phone)", repeat("1-")),
                Arguments.of("slashed digits (phone)", repeat("1/")),
                Arguments.of("digit groups (phone)", repeat("12345678 ")),
                Arguments.of("plus and bracket (phone)", repeat("+(")),
                Arguments.of("valid phone numbers", repeat("+33 6 12 34 56 78 ")),
                Arguments.of("sign-off, then spaces (signature)", "thanks" + " ".repeat(MAX_INPUT_CHARS - 7) + "x"),
                Arguments.of("sign-off, then a long name (signature)", "Best regards,\nA" + repeat("a").substring(15)),
                Arguments.of("introduction, then spaces (name)", "my name is" + " ".repeat(MAX_INPUT_CHARS - 11) + "x"),
                Arguments.of("introductions (name)", repeat("I am ")));
    }

    /**
     * Not a performance figure: a quadratic scan takes minutes on these inputs (the email pattern
     * took 13 s at 40,000 characters before), a linear one about a second, so a generous bound tells
     * them apart.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarialInputs")
    void should_mask_in_linear_time_when_input_is_the_maximum_size_of_adversarial_runs(String description, String input) {
        assertThat(input).hasSize(MAX_INPUT_CHARS);
        maskWithinLinearBound(input);
    }

    @Test
    void should_mask_in_linear_time_when_input_holds_many_distinct_values() {
        // given 20,000 different addresses (numbering placeholders must not rescan the ones made so far)
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < MAX_INPUT_CHARS - 20; i++) {
            text.append('u').append(i).append("@example.com ");
        }

        // when
        PiiMasker.Masked masked = maskWithinLinearBound(text.toString());

        // then
        assertThat(masked.originals()).hasSizeGreaterThan(10_000).containsEntry("[EMAIL_1]", "u0@example.com");
        assertThat(masked.restore(masked.text())).isEqualTo(text.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"due 2024-06-30", "on 30/06/2024", "on 30.06.2024", "Rechnungsdatum: 09.09.2026",
            "Rechnungsdatum 02.11.2026   Fällig am 16.11.2026", "Date d'émission 06/09/2026", "Invoice date: 09/12/2026", "on 06/30/2024", "at 2024-06-30 12:30:45",
            "amount 1 250 000.00", "amount $1,250,000.00", "amount 1.250.000,00 EUR", "amount EUR 1 250 000,00",
            "amount 12500.50", "amount 1640 EUR", "order 12345678", "version 10.15.7", "zip 75008 Paris", "from 192.168.100.200"})
    void should_leave_text_as_it_is_when_it_holds_dates_and_amounts(String text) {
        // when
        PiiMasker.Masked masked = masker.mask(text);

        // then
        assertThat(masked.text()).isEqualTo(text);
        assertThat(masked.masked()).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "US            | (212) 555-0123",
            "US            | 212-555-0123",
            "US            | 415.555.2671",
            "US            | 1-800-555-0199",
            "US            | +1 212 555 0123",
            "UK            | 020 7946 0958",
            "UK            | 07911 123456",
            "UK            | +44 20 7946 0958",
            "UK            | +44 (0) 20 7946 0958",
            "FR            | 01 23 45 67 89",
            "FR            | 06.12.34.56.78",
            "FR            | +33 6 12 34 56 78",
            "FR            | +33 (0)1 23 45 67 89",
            "DE            | 030 12345678",
            "DE            | (030) 1234 5678",
            "DE            | 0151 23456789",
            "DE            | +49 30 12345678",
            "DE            | +49 151 2345 6789",
            "international | +41 44 668 18 00",
            "international | +81 3-1234-5678",
            "international | +61 2 9876 5432",
            "international | 0044 20 7946 0958",
            "international | +33612345678"})
    void should_mask_phone_numbers_when_written_in_a_country_format(String country, String phone) {
        // given
        String text = "Call me on " + phone + " after 6.";

        // when
        PiiMasker.Masked masked = masker.mask(text);

        // then
        assertThat(masked.text()).isEqualTo("Call me on [PHONE_1] after 6.");
        assertThat(masked.originals()).containsExactly(Map.entry("[PHONE_1]", phone));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GB82 WEST 1234 5698 7654 32", "FR76 3000 6000 0112 3456 7890 189", "DE89 3704 0044 0532 0130 00",
            "DE89370400440532013000", "NL91 ABNA 0417 1643 00"})
    void should_mask_ibans_as_ibans_when_they_pass_their_checksum(String iban) {
        // when
        PiiMasker.Masked masked = masker.mask("Pay to " + iban + " by 2024-06-30.");

        // then
        assertThat(masked.text()).isEqualTo("Pay to [IBAN_1] by 2024-06-30.");
        assertThat(masked.originals()).containsExactly(Map.entry("[IBAN_1]", iban));
    }

    @Test
    void should_mask_every_kind_and_restore_the_originals_when_a_text_mixes_them() {
        // given
        String text = "Hi, my name is Jane Doe, mail jane.doe@example.com or call +44 20 7946 0958. "
                + "Refund 120.50 on 2024-06-30 to IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111.\n\n"
                + "Best regards,\nJane Doe";

        // when
        PiiMasker.Masked masked = masker.mask(text);

        // then
        assertThat(masked.text()).doesNotContain("jane.doe@example.com", "7946", "GB82", "4111", "Jane Doe")
                .contains("[EMAIL_1]", "[PHONE_1]", "[IBAN_1]", "[CARD_1]", "[NAME_1]", "120.50", "2024-06-30");
        assertThat(masked.restore(masked.text())).isEqualTo(text);
        assertThat(masked.restoreAll(Map.of("due_date", "2024-06-30", "email", "[EMAIL_1]")))
                .isEqualTo(Map.of("due_date", "2024-06-30", "email", "jane.doe@example.com"));
    }

    @Test
    void should_find_email_addresses_when_a_sentence_ends_after_them() {
        // when
        PiiMasker.Masked masked = masker.mask("Write to jane.doe@mail.example.co.uk. Or to bob+tag@example.com, thanks");

        // then
        assertThat(masked.text()).isEqualTo("Write to [EMAIL_1]. Or to [EMAIL_2], thanks");
        assertThat(masked.originals()).containsEntry("[EMAIL_1]", "jane.doe@mail.example.co.uk").containsEntry("[EMAIL_2]", "bob+tag@example.com");
    }

    @Test
    void should_mask_national_formats_of_the_regions_given_when_built_with_other_regions() {
        // given
        PiiMasker spanish = new PiiMasker(List.of("ES"));

        // when / then
        assertThat(spanish.mask("Llámame al 612 345 678.").text()).isEqualTo("Llámame al [PHONE_1].");
        assertThat(masker.mask("Llámame al 612 345 678.").masked()).isFalse();
        assertThatThrownBy(() -> new PiiMasker(List.of("XX"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'XX', expected an ISO 3166 region code");
    }

    private static String repeat(String unit) {
        return unit.repeat(MAX_INPUT_CHARS / unit.length() + 1).substring(0, MAX_INPUT_CHARS);
    }

    /** Masks {@code input}, failing when the masking thread used more CPU than a linear scan needs, or ran past the wall limit. */
    private PiiMasker.Masked maskWithinLinearBound(String input) {
        return assertTimeoutPreemptively(WALL_LIMIT, () -> {
            long before = THREADS.getCurrentThreadCpuTime();
            PiiMasker.Masked masked = masker.mask(input);
            assertThat(Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - before)).isLessThan(LINEAR_BOUND);
            return masked;
        });
    }
}
