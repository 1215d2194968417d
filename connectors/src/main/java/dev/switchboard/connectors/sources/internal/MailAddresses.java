package dev.switchboard.connectors.sources.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Address lists and message-id lists as mail headers write them. */
public final class MailAddresses {

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");
    /** RFC 5322 specials: a display name holding one is quoted. */
    private static final Pattern SPECIALS = Pattern.compile("[()<>\\[\\]:;@\\\\,.\"]");

    private MailAddresses() {
    }

    /**
     * The addresses of an address-list header (To, Cc), parsed by jakarta.mail before any encoded word
     * (RFC 2047) is decoded, so that a display name encoded with a comma ({@code =?UTF-8?Q?Doe=2C_Jane?=})
     * stays one address. Each comes out as {@code address} or {@code name <address>}, the decoded name
     * quoted when it holds a comma or another special ({@code "Doe, Jane" <jane@example.com>}), so the
     * entry reads back as one address; a group's members are listed, an empty group adds none.
     */
    public static List<String> split(String header) {
        List<String> addresses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return addresses;
        }
        try {
            for (InternetAddress address : InternetAddress.parseHeader(MimeUtility.unfold(header), false)) {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(false)) {
                        add(addresses, member);
                    }
                } else {
                    add(addresses, address);
                }
            }
        } catch (AddressException e) {
            // a header no parser reads still names someone: one entry, rather than none
            addresses.clear();
            addresses.add(decoded(header).replaceAll("\\s+", " ").trim());
        }
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

    private static void add(List<String> addresses, InternetAddress address) {
        String mailbox = address.getAddress() == null ? "" : address.getAddress().trim();
        if (mailbox.isEmpty()) {
            return;
        }
        String name = address.getPersonal();
        addresses.add(name == null || name.isBlank() ? mailbox : phrase(name.trim()) + " <" + mailbox + ">");
    }

    private static String phrase(String name) {
        return SPECIALS.matcher(name).find() ? "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : name;
    }

    private static String decoded(String text) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(text));
        } catch (UnsupportedEncodingException e) {
            return text;
        }
    }
}
