package dev.switchboard.connectors.sources.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The networks (CIDR blocks) a webhook may come from; an empty list allows any address. */
public final class NetworkAllowList {

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private NetworkAllowList(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** @throws IllegalArgumentException naming the first entry that is not a CIDR block or an address */
    public static NetworkAllowList of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            blocks.add(parse(cidr));
        }
        return new NetworkAllowList(blocks);
    }

    /** The reason {@code cidr} is not usable, or empty when it is. */
    public static Optional<String> problem(String cidr) {
        try {
            parse(cidr);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    public boolean allows(String remoteAddress) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] address = literal(remoteAddress);
        if (address == null) {
            return false;
        }
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    private static Block parse(String cidr) {
        String text = cidr == null ? "" : cidr.trim();
        int slash = text.indexOf('/');
        byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("Invalid network '" + cidr + "': expected an IP address or a CIDR block such as 192.30.252.0/22");
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("Invalid prefix length in '" + cidr + "': expected 0 to " + network.length * 8);
            }
        }
        return new Block(network, prefix);
    }

    /** The bytes of an IP literal; null for anything else (host names are never looked up). */
    private static byte[] literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        int zone = bare.indexOf('%');
        if (zone >= 0) {
            bare = bare.substring(0, zone);
        }
        if (!bare.contains(":") || !bare.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            // With a colon the JDK parses an IPv6 literal and never resolves a name; an IPv4-mapped
            // address (::ffff:a.b.c.d) comes back as the IPv4 address it is.
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
