package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress.Request;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A console request's form fields, cookies and origin, read from the raw request. */
record ConsoleRequest(Request raw, Map<String, List<String>> form) {

    static ConsoleRequest of(Request raw) {
        Map<String, List<String>> form = new LinkedHashMap<>(raw.query());
        String type = raw.header("content-type");
        if (raw.body() != null && type != null && type.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : new String(raw.body(), StandardCharsets.UTF_8).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new ConsoleRequest(raw, form);
    }

    String field(String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    List<String> fields(String name) {
        return form.getOrDefault(name, List.of());
    }

    String cookie(String name) {
        List<String> headers = raw.headers().getOrDefault("cookie", List.of());
        for (String header : headers) {
            for (String part : header.split(";")) {
                String trimmed = part.trim();
                if (trimmed.startsWith(name + "=")) {
                    return trimmed.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    boolean post() {
        return raw.method().equals("POST");
    }

    /** htmx asks for a part of a page, not a whole one. */
    boolean htmx() {
        return "true".equals(raw.header("hx-request"));
    }

    /**
     * A change comes from the console's own pages: the browser's {@code Origin} (when sent) names this
     * host, and {@code Sec-Fetch-Site} (when sent) says same-origin. Together with the CSRF token and the
     * SameSite cookie this stops other sites' forms.
     */
    boolean sameOrigin() {
        String site = raw.header("sec-fetch-site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = raw.header("origin");
        if (origin == null) {
            return true;
        }
        try {
            URI uri = URI.create(origin);
            String host = raw.header("host");
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && (host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(uri.getHost()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
