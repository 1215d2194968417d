package dev.switchboard.connectors.sources.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailAddressesTest {

    @Test
    void should_split_only_at_separating_commas_when_names_contain_commas() {
        // when / then
        assertThat(MailAddresses.split("\"Doe, Jane\" <jane@example.com>, bob@example.com (Bob, the builder),\n <c@example.com>"))
                .containsExactly("\"Doe, Jane\" <jane@example.com>", "bob@example.com (Bob, the builder)", "<c@example.com>");
        assertThat(MailAddresses.split(null)).isEmpty();
        assertThat(MailAddresses.split(" , ")).isEmpty();
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
