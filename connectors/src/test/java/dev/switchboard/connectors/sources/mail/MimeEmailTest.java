package dev.switchboard.connectors.sources.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.sources.Email;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MimeEmailTest {

    private static Email read(String raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        return MimeEmail.read(message);
    }

    @Test
    void should_read_the_body_as_utf8_when_its_charset_is_unknown() throws Exception {
        // when
        Email email = read("""
                From: a@example.com
                To: b@example.com
                Subject: =?UTF-8?B?R3LDvMOfZQ==?=
                Message-ID: <odd-charset@example.com>
                Content-Type: text/plain; charset=x-no-such-charset

                plain words
                """);

        // then
        assertThat(email.subject()).isEqualTo("Grüße");
        assertThat(email.text()).isEqualTo("plain words\r\n");
        assertThat(email.messageId()).isEqualTo("<odd-charset@example.com>");
    }

    @Test
    void should_describe_an_attached_message_and_an_inline_image_when_they_have_no_file_name() throws Exception {
        // when
        Email email = read("""
                From: a@example.com
                To: b@example.com
                Subject: forwarded
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: text/plain; charset=UTF-8

                See below.
                --outer
                Content-Type: message/rfc822

                From: c@example.com
                Subject: original

                original text
                --outer
                Content-Type: image/png
                Content-Transfer-Encoding: base64
                Content-ID: <logo>

                iVBORw0KGgo=
                --outer--
                """);

        // then
        assertThat(email.text()).isEqualTo("See below.");
        assertThat(email.attachments()).extracting(Email.Attachment::name, Email.Attachment::contentType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("message-1.eml", "message/rfc822"),
                        org.assertj.core.groups.Tuple.tuple("part-2", "image/png"));
        assertThat(email.attachments().get(1).size()).isEqualTo(8);
    }

    @Test
    void should_keep_one_address_per_recipient_when_an_encoded_display_name_holds_a_comma() throws Exception {
        // when
        Email email = read("""
                From: a@example.com
                To: =?UTF-8?Q?Doe=2C_Jane?= <jane@example.com>, =?UTF-8?B?TcO8bGxlciwgSGFucw==?=
                 <hans@example.de>
                Cc: undisclosed-recipients:;
                Subject: two recipients
                Content-Type: text/plain; charset=UTF-8

                hi
                """);

        // then
        assertThat(email.to()).containsExactly("\"Doe, Jane\" <jane@example.com>", "\"Müller, Hans\" <hans@example.de>");
        assertThat(email.cc()).isEmpty();
    }
}
