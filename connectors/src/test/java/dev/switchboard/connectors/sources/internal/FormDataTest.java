package dev.switchboard.connectors.sources.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormDataTest {

    private static FormData multipart(String body, String boundary) throws FormData.MalformedFormException {
        return FormData.parse(MediaType.parse("multipart/form-data; boundary=\"" + boundary + "\"").orElseThrow(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_read_fields_and_files_when_the_body_has_a_preamble_and_an_epilogue() throws Exception {
        // given
        String body = "preamble to ignore\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nLine one\r\nLine two\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"attachment1\"; filename=\"C:\\\\Users\\\\a\\\\notes.txt\"\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n--not a boundary\r\n"
                + "--b0undary--\r\nepilogue";

        // when
        FormData form = multipart(body, "b0undary");

        // then
        assertThat(form.text("subject")).isEqualTo("Line one\r\nLine two");
        assertThat(form.files()).singleElement().satisfies(file -> {
            assertThat(file.filename()).isEqualTo("notes.txt");
            assertThat(file.contentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(new String(file.content(), StandardCharsets.UTF_8)).isEqualTo("--not a boundary");
        });
    }

    @Test
    void should_decode_the_rfc_5987_filename_when_filename_star_is_given() throws Exception {
        // when
        FormData form = multipart("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"fallback.pdf\"; "
                + "filename*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n\r\nx\r\n--b--", "b");

        // then
        assertThat(form.part("f").filename()).isEqualTo("Résumé.pdf");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no delimiter at all | just text",
            "truncated (no close delimiter) | --b\\r\\nContent-Disposition: form-data; name=\"a\"\\r\\n\\r\\nvalue",
            "part without Content-Disposition | --b\\r\\nContent-Type: text/plain\\r\\n\\r\\nvalue\\r\\n--b--",
            "part without a name | --b\\r\\nContent-Disposition: form-data\\r\\n\\r\\nvalue\\r\\n--b--",
            "delimiter without CRLF | --bxx\\r\\n--b--"})
    void should_refuse_the_body_when_it_is_malformed(String name, String body) {
        // when / then
        assertThatThrownBy(() -> multipart(body.replace("\\r\\n", "\r\n"), "b")).isInstanceOf(FormData.MalformedFormException.class);
    }

    @Test
    void should_decode_plus_and_percent_when_the_form_is_url_encoded() throws Exception {
        // when
        FormData form = FormData.parse(MediaType.parse("application/x-www-form-urlencoded").orElseThrow(),
                "body-plain=Hello+there%21%0A%E2%82%AC&empty=&flag".getBytes(StandardCharsets.US_ASCII));

        // then
        assertThat(form.text("body-plain")).isEqualTo("Hello there!\n€");
        assertThat(form.text("empty")).isEmpty();
        assertThat(form.text("flag")).isEmpty();
    }

    @Test
    void should_refuse_a_broken_percent_escape_when_the_form_is_url_encoded() {
        // when / then
        assertThatThrownBy(() -> FormData.parse(MediaType.parse("application/x-www-form-urlencoded").orElseThrow(),
                "a=%zz".getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("percent-encoding");
    }
}
