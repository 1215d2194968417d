package dev.switchboard.connectors.sources.internal;

import java.nio.charset.Charset;

/** Charset names as senders write them; an unknown or unsupported name falls back instead of failing the request. */
public final class Charsets {

    private Charsets() {
    }

    public static Charset orDefault(String name, Charset fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
