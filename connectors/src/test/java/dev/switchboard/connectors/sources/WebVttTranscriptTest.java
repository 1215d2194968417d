package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** WebVTT cues as speaker turns: the forms call platforms write, and what is left out. */
class WebVttTranscriptTest {

    @Test
    void should_read_voice_spans_hour_timestamps_and_cue_settings_when_a_transcript_uses_them() {
        // given
        String vtt = "\uFEFFWEBVTT - call\r\n\r\nNOTE written by the platform\r\n\r\n"
                + "01:02:03.500 --> 01:02:05.000 align:start\r\n<v Ada Lovelace>Hello &amp; welcome</v>\r\n\r\n"
                + "cue-2\r\n01:02:06.000 --> 01:02:09.000\r\n<v.loud Ada Lovelace>It's <b>settled</b>.\r\n\r\n"
                + "01:03:00.000 --> 01:03:02.000\r\nno speaker here\r\n";

        // when
        List<WebVttTranscript.Turn> turns = WebVttTranscript.parse(vtt, "Unknown speaker", 100, 1000);

        // then
        assertThat(turns).containsExactly(
                new WebVttTranscript.Turn("Ada Lovelace", 3723.5, "Hello & welcome It's settled."),
                new WebVttTranscript.Turn("Unknown speaker", 3780.0, "no speaker here"));
    }

    @Test
    void should_keep_at_most_the_turns_and_characters_allowed_when_a_transcript_is_long() {
        // given
        StringBuilder vtt = new StringBuilder("WEBVTT\n\n");
        for (int i = 0; i < 10; i++) {
            vtt.append("00:00:0").append(i).append(".000 --> 00:00:0").append(i).append(".900\n")
                    .append(i % 2 == 0 ? "A" : "B").append(": ").append("word ".repeat(10)).append("\n\n");
        }

        // when
        List<WebVttTranscript.Turn> turns = WebVttTranscript.parse(vtt.toString(), "?", 3, 20);

        // then
        assertThat(turns).hasSize(3).allSatisfy(turn -> assertThat(turn.text()).hasSize(20).endsWith("…"));
    }

    @Test
    void should_refuse_a_file_that_is_not_webvtt() {
        assertThatThrownBy(() -> WebVttTranscript.parse("<html></html>", "?", 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not WebVTT: the file does not start with WEBVTT");
    }
}
