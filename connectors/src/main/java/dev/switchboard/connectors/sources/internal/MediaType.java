package dev.switchboard.connectors.sources.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A parsed {@code Content-Type}: the lower-case {@code type/subtype} and its parameters (names lower case, values unquoted). */
public record MediaType(String essence, Map<String, String> parameters) {

    public static Optional<MediaType> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        int semicolon = indexOutsideQuotes(header, ';', 0);
        String essence = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (!essence.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int start = semicolon;
        while (start >= 0) {
            int next = indexOutsideQuotes(header, ';', start + 1);
            String parameter = (next < 0 ? header.substring(start + 1) : header.substring(start + 1, next)).trim();
            start = next;
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String value = parameter.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            parameters.put(parameter.substring(0, eq).trim().toLowerCase(Locale.ROOT), value);
        }
        return Optional.of(new MediaType(essence, Map.copyOf(parameters)));
    }

    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** True when no charset is given or it is UTF-8 (the only charset JSON may travel in, RFC 8259). */
    public boolean utf8OrNoCharset() {
        String charset = parameter("charset");
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }

    /** {@code application/json} with at most a UTF-8 charset: what the JSON webhooks accept. */
    public boolean isStrictJson() {
        return essence.equals("application/json") && utf8OrNoCharset()
                && parameters.keySet().stream().allMatch(name -> name.equals("charset"));
    }

    private static int indexOutsideQuotes(String text, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
