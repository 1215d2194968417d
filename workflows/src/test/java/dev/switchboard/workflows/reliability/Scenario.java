package dev.switchboard.workflows.reliability;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Settings and event shapes every scenario shares. */
final class Scenario {

    /** Longer variants of every scenario: {@code -Dswitchboard.reliability.full=true}. */
    static final boolean FULL = Boolean.getBoolean("switchboard.reliability.full");

    /** One seed for every random choice of a run; {@code -Dswitchboard.reliability.seed=...} repeats another run. */
    static final long SEED = Long.getLong("switchboard.reliability.seed", 20_261_102L);

    private Scenario() {
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A valid ticket.created event; {@code i} makes its id and key. */
    static String ticket(String idPrefix, int i, String subject, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + idPrefix + i + "\",\"source\":\"/reliability\",\"type\":\"ticket.created\","
                + "\"subject\":\"customer-" + (i % 97) + "\",\"time\":\"2026-11-02T09:00:00Z\","
                + "\"data\":{\"ticket_id\":\"" + i + "\",\"subject\":" + quote(subject) + ",\"body\":" + quote(body)
                + ",\"priority\":\"normal\"}}";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
