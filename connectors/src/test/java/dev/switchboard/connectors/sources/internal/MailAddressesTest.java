package dev.switchboard.connectors.sources.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailAddressesTest {

    @Test
    void should_split_only_at_separating_commas_when_names_contain_commas() {
        // when / then (a comment after an address is its display name)
        assertThat(MailAddresses.split("\"Doe, Jane\" <jane@example.com>, bob@example.com (Bob, the builder),\n <c@example.com>"))
                .containsExactly("\"Doe, Jane\" <jane@example.com>", "\"Bob, the builder\" <bob@example.com>", "c@example.com");
        assertThat(MailAddresses.split(null)).isEmpty();
        assertThat(MailAddresses.split(" , ")).isEmpty();
    }

    @Test
    void should_quote_a_decoded_display_name_when_it_holds_quotes() {
        // when / then
        assertThat(MailAddresses.split("=?UTF-8?Q?Say_=22hi=22?= <a@x.com>")).containsExactly("\"Say \\\"hi\\\"\" <a@x.com>");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "encoded comma (Q)              | =?UTF-8?Q?Doe=2C_Jane?= <j@x.com>, k@x.com               | \"Doe, Jane\" <j@x.com> & k@x.com",
            "encoded comma (B)              | =?UTF-8?B?TcO8bGxlciwgSGFucw==?= <h@x.de>                  | \"Müller, Hans\" <h@x.de>",
            "encoded comma over two words   | =?UTF-8?Q?Doe=2C?= =?UTF-8?Q?_Jane?= <j@x.com>             | \"Doe, Jane\" <j@x.com>",
            "encoded comma, folded          | =?UTF-8?Q?Doe=2C_Jane?=\\r\\n <j@x.com>,\\r\\n\\t=?UTF-8?Q?Roe=2C_Rick?= <r@x.com> | \"Doe, Jane\" <j@x.com> & \"Roe, Rick\" <r@x.com>",
            "encoded name without specials  | =?utf-8?q?=E7=94=B0=E4=B8=AD?= <t@x.jp>, Jane Doe <j@x.com> | 田中 <t@x.jp> & Jane Doe <j@x.com>",
            "quoted comma and semicolon     | \"Doe, Jane; Sales\" <j@x.com>; k@x.com                 | \"Doe, Jane; Sales\" <j@x.com> & k@x.com",
            "group                          | Team: a@x.com, \"B, b\" <b@x.com>;, c@x.com              | a@x.com & \"B, b\" <b@x.com> & c@x.com",
            "empty group                    | undisclosed-recipients:;                                  | (none)",
            "missing names                  | <a@x.com>, b@x.com,, \"\" <c@x.com>                       | a@x.com & b@x.com & c@x.com"})
    void should_list_one_entry_per_address_when_the_header_is_tricky(String description, String header, String expected) {
        // when
        List<String> addresses = MailAddresses.split(header.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t"));

        // then
        assertThat(addresses).containsExactlyElementsOf(expected.equals("(none)") ? List.of() : List.of(expected.split(" & ")));
    }

    @Test
    void should_take_the_root_of_references_when_finding_the_thread() {
        // when / then
        assertThat(MailAddresses.threadId("<c@x>", "<b@x>", "<a@x>\r\n <b@x>")).isEqualTo("<a@x>");
        assertThat(MailAddresses.threadId("<c@x>", "<b@x>", null)).isEqualTo("<b@x>");
        assertThat(MailAddresses.threadId("<c@x>", null, "")).isEqualTo("<c@x>");
        assertThat(MailAddresses.messageIds("no-brackets@x")).containsExactly("<no-brackets@x>");
    }
}
