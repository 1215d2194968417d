package dev.switchboard.workflows.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code explain} prints comes partly from event data; and how far back it reads. */
class ExplanationTextTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\u001b[2J\u001b]0;owned\u0007", "line\rover", "new\nline", "c1\u009bcontrol"})
    void should_show_control_characters_instead_of_obeying_them_when_event_data_reaches_the_terminal(String text) {
        // when
        String shown = ExplanationText.printable("title: " + text);

        // then
        assertThat(shown).doesNotContainPattern("\\p{Cntrl}").doesNotContain("\u009b").startsWith("title: ").contains("\\u00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"30m, 2026-12-04T11:30:00Z", "24h, 2026-12-03T12:00:00Z", "7d, 2026-11-27T12:00:00Z", "PT2H, 2026-12-04T10:00:00Z",
            "2026-11-28T09:00:00Z, 2026-11-28T09:00:00Z"})
    void should_count_back_from_now_when_since_is_a_duration(String since, String expected) {
        assertThat(Since.parse(since, NOW)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yesterday", "24", "-1h", "2026-11-28"})
    void should_say_what_is_accepted_when_since_is_unreadable(String since) {
        assertThatThrownBy(() -> Since.parse(since, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got '" + since + "'").hasMessageContaining("24h");
    }
}
