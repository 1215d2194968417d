package dev.switchboard.connectors.sources.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields and files of an HTML form post, {@code multipart/form-data} (RFC 7578) or
 * {@code application/x-www-form-urlencoded}, parsed from a body that is already in memory and
 * bounded by the listener. A streaming library (commons-fileupload, Mime4j) would earn its place
 * for bodies spooled to disk; here the whole body is a byte array of known, limited size, and the
 * subset of MIME that form posts use is small enough to parse strictly in one class.
 */
public final class FormData {

    /** One field or file. {@code filename} and {@code contentType} are null for plain fields. */
    public record Part(String name, String filename, String contentType, byte[] content) {

        public boolean isFile() {
            return filename != null;
        }

        /** The content as text: the part's own charset if it declares one, else {@code fallback}. */
        public String text(Charset fallback) {
            Charset charset = fallback;
            if (contentType != null) {
                String declared = MediaType.parse(contentType).map(type -> type.parameter("charset")).orElse(null);
                if (declared != null) {
                    charset = Charsets.orDefault(declared, fallback);
                }
            }
            return new String(content, charset);
        }
    }

    /** Thrown for a body that is not a well-formed form post; the message says what is wrong. */
    public static final class MalformedFormException extends Exception {
        public MalformedFormException(String message) {
            super(message);
        }
    }

    public static final int MAX_PARTS = 1_000;
    private static final int MAX_PART_HEADER_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    private final List<Part> parts;

    private FormData(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public List<Part> parts() {
        return parts;
    }

    /** The first field of that name, or null. */
    public Part part(String name) {
        return parts.stream().filter(part -> part.name().equals(name)).findFirst().orElse(null);
    }

    /** The first field of that name as text ({@code fallback} unless the part declares a charset), or null. */
    public String text(String name, Charset fallback) {
        Part part = part(name);
        return part == null ? null : part.text(fallback);
    }

    public String text(String name) {
        return text(name, StandardCharsets.UTF_8);
    }

    public List<Part> files() {
        return parts.stream().filter(Part::isFile).toList();
    }

    /** Parses either form encoding, by the request's media type. */
    public static FormData parse(MediaType type, byte[] body) throws MalformedFormException {
        if (type.essence().equals("multipart/form-data")) {
            String boundary = type.parameter("boundary");
            if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
                throw new MalformedFormException("multipart/form-data without a usable boundary parameter");
            }
            return multipart(body, boundary);
        }
        if (type.essence().equals("application/x-www-form-urlencoded")) {
            return urlEncoded(body, Charsets.orDefault(type.parameter("charset"), StandardCharsets.UTF_8));
        }
        throw new MalformedFormException("Not a form: " + type.essence());
    }

    static FormData urlEncoded(byte[] body, Charset charset) throws MalformedFormException {
        List<Part> parts = new ArrayList<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return new FormData(parts);
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            if (parts.size() >= MAX_PARTS) {
                throw new MalformedFormException("More than " + MAX_PARTS + " form fields");
            }
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), charset);
            byte[] value = percentDecodeBytes(eq < 0 ? "" : pair.substring(eq + 1));
            parts.add(new Part(name, null, null, value));
        }
        return new FormData(parts);
    }

    static FormData multipart(byte[] body, String boundary) throws MalformedFormException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] separator = concat(CRLF, delimiter);
        // The first delimiter may open the body or follow a preamble (which ends in CRLF).
        int position;
        if (startsWith(body, 0, delimiter)) {
            position = delimiter.length;
        } else {
            int found = ByteSearch.indexOf(body, separator, 0);
            if (found < 0) {
                throw new MalformedFormException("multipart body has no '--" + boundary + "' delimiter");
            }
            position = found + separator.length;
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            if (startsWith(body, position, new byte[] {'-', '-'})) {
                return new FormData(parts); // the close delimiter; an epilogue after it is ignored
            }
            while (position < body.length && (body[position] == ' ' || body[position] == '\t')) {
                position++; // transport padding
            }
            if (!startsWith(body, position, CRLF)) {
                throw new MalformedFormException("multipart delimiter not followed by CRLF");
            }
            position += 2;
            int headersEnd = ByteSearch.indexOf(body, CRLF_CRLF, position);
            boolean noHeaders = startsWith(body, position, CRLF);
            if (noHeaders) {
                headersEnd = position - 2;
            }
            if (headersEnd < 0 || headersEnd - position > MAX_PART_HEADER_BYTES) {
                throw new MalformedFormException("multipart part " + (parts.size() + 1) + " has no end of headers within "
                        + MAX_PART_HEADER_BYTES + " bytes");
            }
            Map<String, String> headers = noHeaders ? Map.of()
                    : headers(new String(body, position, headersEnd - position, StandardCharsets.UTF_8));
            int contentStart = headersEnd + 4;
            int next = ByteSearch.indexOf(body, separator, contentStart);
            if (next < 0) {
                throw new MalformedFormException("multipart body is truncated: no closing '--" + boundary + "--'");
            }
            if (parts.size() >= MAX_PARTS) {
                throw new MalformedFormException("More than " + MAX_PARTS + " multipart parts");
            }
            parts.add(part(headers, java.util.Arrays.copyOfRange(body, contentStart, next), parts.size() + 1));
            position = next + separator.length;
        }
    }

    private static Part part(Map<String, String> headers, byte[] content, int index) throws MalformedFormException {
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw new MalformedFormException("multipart part " + index + " has no Content-Disposition header");
        }
        MediaType parsed = MediaType.parse("x/" + disposition.trim())
                .orElseThrow(() -> new MalformedFormException("multipart part " + index + " has an unreadable Content-Disposition"));
        String name = parsed.parameter("name");
        if (name == null) {
            throw new MalformedFormException("multipart part " + index + " has no name in its Content-Disposition");
        }
        String filename = parsed.parameter("filename");
        String extended = parsed.parameter("filename*");
        if (extended != null) {
            filename = extendedValue(extended, filename);
        }
        if (filename != null) {
            // Only the last path segment: some clients send the sender's full path.
            filename = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        }
        return new Part(name, filename, headers.get("content-type"), content);
    }

    /** RFC 5987 {@code charset'lang'percent-encoded}; the plain value when unreadable. */
    private static String extendedValue(String value, String fallback) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return fallback;
        }
        try {
            return new String(percentDecodeBytes(value.substring(second + 1).replace("+", "%2B")),
                    Charsets.orDefault(value.substring(0, first), StandardCharsets.UTF_8));
        } catch (MalformedFormException e) {
            return fallback;
        }
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        String unfolded = block.replaceAll("\r\n[ \t]+", " ");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static String percentDecode(String text, Charset charset) throws MalformedFormException {
        return new String(percentDecodeBytes(text), charset);
    }

    private static byte[] percentDecodeBytes(String text) throws MalformedFormException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new MalformedFormException("Truncated percent-encoding in form data");
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new MalformedFormException("Invalid percent-encoding '%" + text.charAt(i + 1) + text.charAt(i + 2) + "' in form data");
                }
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at < 0 || at + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
