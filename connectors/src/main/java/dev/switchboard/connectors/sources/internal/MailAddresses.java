package dev.switchboard.connectors.sources.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Address lists and message-id lists as mail headers write them. */
public final class MailAddresses {

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

    private MailAddresses() {
    }

    /**
     * Splits an address list ({@code "Doe, Jane" <jane@example.com>, bob@example.com}) at the commas
     * that separate addresses, not those inside quotes, angle brackets or comments.
     */
    public static List<String> split(String header) {
        List<String> addresses = new ArrayList<>();
        if (header == null) {
            return addresses;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int angle = 0;
        int comment = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\\' && i + 1 < header.length()) {
                current.append(c).append(header.charAt(++i));
                continue;
            }
            if (c == '"' && comment == 0) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                comment++;
            } else if (!quoted && c == ')' && comment > 0) {
                comment--;
            } else if (!quoted && comment == 0 && c == '<') {
                angle++;
            } else if (!quoted && comment == 0 && c == '>' && angle > 0) {
                angle--;
            } else if (c == ',' && !quoted && angle == 0 && comment == 0) {
                add(addresses, current);
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        add(addresses, current);
        return addresses;
    }

    /** The {@code <id>} tokens of a Message-ID, In-Reply-To or References header, in order. */
    public static List<String> messageIds(String header) {
        List<String> ids = new ArrayList<>();
        if (header == null) {
            return ids;
        }
        Matcher matcher = MESSAGE_ID.matcher(header);
        while (matcher.find()) {
            ids.add(matcher.group());
        }
        if (ids.isEmpty() && !header.isBlank() && !header.trim().contains(" ")) {
            ids.add("<" + header.trim() + ">"); // some senders drop the brackets
        }
        return ids;
    }

    /**
     * The thread a message belongs to: the first id of References (the thread's root), else the
     * message it replies to, else the message itself.
     */
    public static String threadId(String messageId, String inReplyTo, String references) {
        List<String> refs = messageIds(references);
        if (!refs.isEmpty()) {
            return refs.get(0);
        }
        List<String> replyTo = messageIds(inReplyTo);
        return replyTo.isEmpty() ? messageId : replyTo.get(0);
    }

    private static void add(List<String> addresses, StringBuilder text) {
        String address = text.toString().replaceAll("\\s+", " ").trim();
        if (!address.isEmpty()) {
            addresses.add(address);
        }
    }
}
