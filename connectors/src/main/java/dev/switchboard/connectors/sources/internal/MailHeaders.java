package dev.switchboard.connectors.sources.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A raw RFC 5322 header block (as SendGrid's {@code headers} field carries it), unfolded and looked up by name. */
public final class MailHeaders {

    private record Header(String name, String value) {
    }

    private final List<Header> headers;

    private MailHeaders(List<Header> headers) {
        this.headers = List.copyOf(headers);
    }

    public static MailHeaders parse(String block) {
        List<Header> headers = new ArrayList<>();
        if (block != null) {
            String unfolded = block.replace("\r\n", "\n").replaceAll("\n[ \t]+", " ");
            for (String line : unfolded.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.substring(0, colon).contains(" ")) {
                    headers.add(new Header(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim()));
                }
            }
        }
        return new MailHeaders(headers);
    }

    /** The first value of that header, or null. */
    public String first(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(header -> header.name().equals(wanted)).map(Header::value).findFirst().orElse(null);
    }
}
