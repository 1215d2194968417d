package dev.switchboard.workflows.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generates broken events, seeded, one kind at a time: each with the words its dead letter's reason
 * must contain. None of them is a valid event for the workflow that reads them.
 */
final class BadEvents {

    /** One kind of broken input, how many of it a run sends, and what its dead letter's reason says. */
    enum Kind {
        NOT_JSON(1_200, "Not JSON", "Not a CloudEvent", "Empty record", "Invalid UTF-8"),
        TRUNCATED(1_200, "Not JSON"),
        WRONG_TYPES(1_200, "does not match", "Not a valid CloudEvents"),
        HUGE_STRING(600, "Event too large", "does not match"),
        HUGE_ARRAY(600, "Event too large", "does not match"),
        DEEP_NESTING(1_200, "Not JSON"),
        INVALID_UTF8(1_200, "Invalid UTF-8"),
        FIVE_MEGABYTES(20, "Event too large"),
        MALFORMED_TYPE(1_200, "Not a valid CloudEvents"),
        DUPLICATE_KEYS(800, "Not JSON"),
        BROKEN_ENVELOPE(800, "Not a valid CloudEvents", "has no data"),
        /** A valid event of a type without a schema whose task is larger than the tasks topic accepts. */
        OVERSIZED_TASK(10, "refused");

        final int count;
        final List<String> reasons;

        Kind(int count, String... reasons) {
            this.count = count;
            this.reasons = List.of(reasons);
        }
    }

    static int total() {
        int total = 0;
        for (Kind kind : Kind.values()) {
            total += kind.count;
        }
        return total;
    }

    private final Random random;

    BadEvents(long seed) {
        this.random = new Random(seed);
    }

    byte[] make(Kind kind, int n) {
        return switch (kind) {
            case NOT_JSON -> notJson(n);
            case TRUNCATED -> {
                byte[] whole = utf8(Scenario.ticket("trunc-", n, "Subject " + n, "Body that goes on for a while " + n));
                yield java.util.Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 2));
            }
            case WRONG_TYPES -> utf8(wrongTypes(n));
            case HUGE_STRING -> n % 20 == 0
                    ? utf8(Scenario.ticket("huge-", n, "Subject", "x".repeat(1_100_000 + random.nextInt(1_000_000))))
                    : utf8(Scenario.ticket("huge-", n, "s".repeat(1_001 + random.nextInt(20_000)), "body"));
            case HUGE_ARRAY -> utf8(hugeArray(n));
            case DEEP_NESTING -> utf8(deep(n));
            case INVALID_UTF8 -> invalidUtf8(n);
            case FIVE_MEGABYTES -> utf8(Scenario.ticket("five-", n, "Five megabytes", "y".repeat(5 * 1024 * 1024)));
            case MALFORMED_TYPE -> utf8(Scenario.ticket("mtype-", n, "s", "b")
                    .replace("\"type\":\"ticket.created\"", "\"type\":" + Scenario.quote(malformedType(n))));
            case DUPLICATE_KEYS -> utf8(Scenario.ticket("dup-", n, "s", "b").replace("\"source\":", "\"id\":\"again-" + n + "\",\"source\":"));
            case BROKEN_ENVELOPE -> utf8(brokenEnvelope(n));
            case OVERSIZED_TASK -> utf8(Scenario.ticket("big-", n, "Big note", "z".repeat(600_000 + random.nextInt(50_000)))
                    .replace("\"type\":\"ticket.created\"", "\"type\":\"note.added\""));
        };
    }

    private byte[] notJson(int n) {
        return switch (n % 8) {
            case 0 -> new byte[0];
            case 1 -> utf8("definitely not json " + n);
            case 2 -> utf8("null");
            case 3 -> utf8("[1,2,3]");
            case 4 -> utf8(Integer.toString(n));
            case 5 -> utf8("<ticket id=\"" + n + "\"/>");
            case 6 -> {
                byte[] noise = new byte[16 + random.nextInt(2_000)];
                random.nextBytes(noise);
                noise[0] = '{'; // looks like an object, is not
                yield noise;
            }
            default -> utf8("{'single': 'quotes', n: " + n + "}");
        };
    }

    private String wrongTypes(int n) {
        String good = Scenario.ticket("wt-", n, "s", "b");
        return switch (n % 9) {
            case 0 -> good.replace("\"ticket_id\":\"" + n + "\"", "\"ticket_id\":" + n);
            case 1 -> good.replace("\"subject\":\"s\"", "\"subject\":42");
            case 2 -> good.replace("\"body\":\"b\"", "\"body\":null");
            case 3 -> good.replace("\"priority\":\"normal\"", "\"priority\":\"whenever\"");
            case 4 -> good.replace("\"id\":\"wt-" + n + "\"", "\"id\":" + n);
            case 5 -> good.replace("\"specversion\":\"1.0\"", "\"specversion\":1.0");
            case 6 -> good.replace("\"time\":\"2026-11-02T09:00:00Z\"", "\"time\":\"yesterday at noon\"");
            case 7 -> good.replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"tags\":\"not-a-list\"");
            default -> good.substring(0, good.indexOf("\"data\":")) + "\"data\":[\"an\",\"array\"]}";
        };
    }

    private String hugeArray(int n) {
        String good = Scenario.ticket("arr-", n, "s", "b");
        if (n % 20 == 0) {
            StringBuilder numbers = new StringBuilder("[");
            for (int i = 0; i < 300_000; i++) {
                numbers.append(i == 0 ? "" : ",").append(i);
            }
            return good.replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"extra\":" + numbers + "]");
        }
        StringBuilder tags = new StringBuilder("[");
        int count = 101 + random.nextInt(2_000);
        for (int i = 0; i < count; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        return good.replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"tags\":" + tags + "]");
    }

    private String deep(int n) {
        int depth = n % 3 == 0 ? 65 + random.nextInt(100) : 1_000 + random.nextInt(50_000);
        String open = n % 2 == 0 ? "[" : "{\"a\":";
        String close = n % 2 == 0 ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        return Scenario.ticket("deep-", n, "s", "b").replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"extra\":" + nested);
    }

    private byte[] invalidUtf8(int n) {
        byte[][] bad = {
                {(byte) 0xC3, (byte) 0x28},                 // a lead byte without its continuation
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},    // an encoded surrogate
                {(byte) 0xC0, (byte) 0xAF},                 // overlong '/'
                {(byte) 0xFF},                              // never valid
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}; // above U+10FFFF
        String event = Scenario.ticket("utf-", n, "SUBJECT", "b");
        int at = event.indexOf("SUBJECT");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(event.substring(0, at)));
        out.writeBytes(bad[n % bad.length]);
        out.writeBytes(utf8(event.substring(at + "SUBJECT".length())));
        return out.toByteArray();
    }

    private static String malformedType(int n) {
        return switch (n % 5) {
            case 0 -> "";
            case 1 -> "Ticket Created!";
            case 2 -> "../../etc/passwd";
            case 3 -> "${jndi:ldap://127.0.0.1:1/x}";
            default -> "t".repeat(300);
        };
    }

    private static String brokenEnvelope(int n) {
        String good = Scenario.ticket("env-", n, "s", "b");
        return switch (n % 5) {
            case 0 -> good.replace("\"id\":\"env-" + n + "\",", "");
            case 1 -> good.replace("\"source\":\"/reliability\",", "");
            case 2 -> good.substring(0, good.length() - 1) + ",\"data_base64\":\"AAAA\"}";
            case 3 -> good.replace("\"subject\":", "\"NotLowerCase\":");
            default -> good.substring(0, good.indexOf(",\"data\":")) + "}"; // a ticket without data
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
