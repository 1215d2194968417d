package dev.switchboard.connectors.testkit;

import dev.switchboard.schemas.spi.HttpIngress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds {@link HttpIngress.Request}s the way the listener hands them over (header names lower case). */
public final class Requests {

    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private String method = "POST";
    private String path = "/";
    private String remoteAddress = "127.0.0.1";
    private byte[] body = new byte[0];

    public static Requests post(String path) {
        Requests requests = new Requests();
        requests.path = path;
        return requests;
    }

    public Requests method(String method) {
        this.method = method;
        return this;
    }

    public Requests header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new ArrayList<>()).add(value);
        return this;
    }

    public Requests without(String name) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    public Requests query(String name, String value) {
        query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        return this;
    }

    public Requests from(String address) {
        this.remoteAddress = address;
        return this;
    }

    public Requests json(String json) {
        header("Content-Type", "application/json");
        return body(json.getBytes(StandardCharsets.UTF_8));
    }

    public Requests body(byte[] body) {
        this.body = body;
        return this;
    }

    public HttpIngress.Request build() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return new HttpIngress.Request(method, path, Map.copyOf(copy), Map.copyOf(query), body, remoteAddress);
    }
}
