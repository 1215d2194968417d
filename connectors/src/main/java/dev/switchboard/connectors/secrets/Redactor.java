package dev.switchboard.connectors.secrets;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Takes secret values out of text before it becomes a delivery result, a dead letter or a log
 * line. A vendor may echo a token back in an error body, and an exception may quote a URL whose
 * path is the secret (Zapier); both pass through here.
 */
public final class Redactor {

    public static final String MARK = "[redacted]";
    private static final Redactor NONE = new Redactor(List.of());

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    /** Redacts each non-blank value; longer values first, so a secret that contains another goes whole. */
    public static Redactor of(String... secrets) {
        List<String> values = new ArrayList<>(Arrays.stream(secrets).filter(Objects::nonNull).filter(s -> !s.isBlank()).distinct().toList());
        if (values.isEmpty()) {
            return NONE;
        }
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(values));
    }

    public static Redactor none() {
        return NONE;
    }

    /** This redactor plus more values. */
    public Redactor and(String... more) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(Arrays.asList(more));
        return of(all.toArray(String[]::new));
    }

    /**
     * The option values in a URL's or endpoint URI's query ({@code ?token=...}), raw, decoded and
     * unwrapped from Camel's {@code RAW(...)}: a credential there would otherwise come back in an
     * exception or an error body that quotes the URL. Values under five characters are left alone.
     */
    public static String[] queryValues(String uri) {
        List<String> values = new ArrayList<>();
        int query = uri.indexOf('?');
        if (query < 0) {
            return new String[0];
        }
        for (String pair : uri.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            if (value.length() < 5) {
                continue;
            }
            values.add(value);
            try {
                values.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notEncoded) {
                // the raw value is enough
            }
            if ((value.startsWith("RAW(") && value.endsWith(")")) || (value.startsWith("RAW{") && value.endsWith("}"))) {
                values.add(value.substring(4, value.length() - 1));
            }
        }
        return values.toArray(String[]::new);
    }

    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MARK);
        }
        return out;
    }
}
