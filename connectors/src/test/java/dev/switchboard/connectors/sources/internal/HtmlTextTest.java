package dev.switchboard.connectors.sources.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void should_keep_lines_and_drop_markup_when_converting_mail_html() {
        // given
        String html = """
                <html><head><style>p { color: red }</style><title>t</title></head><body>
                <p>Hello&nbsp;Anna,</p><p>your order &amp; invoice:<br>INV-1 &lt;paid&gt;</p>
                <ul><li>one</li><li>two</li></ul><script>alert(1)</script>
                <table><tr><td>Total</td><td>42 &euro;</td></tr></table><div>Bye<!-- hidden --></div>
                """;

        // when
        String text = HtmlText.toText(html);

        // then
        assertThat(text).isEqualTo("Hello Anna,\nyour order & invoice:\nINV-1 <paid>\n- one\n- two\nTotal\t42 €\nBye");
    }

    @Test
    void should_survive_unclosed_tags_when_the_html_is_broken() {
        // when / then
        assertThat(HtmlText.toText("<div><p>Unclosed <b>bold<p>Next")).isEqualTo("Unclosed bold\nNext");
        assertThat(HtmlText.toText(null)).isEmpty();
    }
}
