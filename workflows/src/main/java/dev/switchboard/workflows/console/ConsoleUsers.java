package dev.switchboard.workflows.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Who may sign in to the console: the admin token (as {@code admin}, operator) and the users of the
 * users file, whose tokens are kept only as SHA-256 hashes. Tokens are long random secrets, so a plain
 * hash is enough; the comparison runs in constant time over every entry.
 */
public final class ConsoleUsers {

    static final String ADMIN = "admin";

    private record Entry(ConsoleUser user, byte[] tokenHash) {
    }

    private final List<Entry> entries;

    private ConsoleUsers(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param adminToken the admin token, or null when there is none
     * @param usersFile  the users file, or null when there is none
     * @throws IllegalArgumentException naming the file, the entry and the fix when the file is wrong
     */
    public static ConsoleUsers load(String adminToken, Path usersFile) {
        List<Entry> entries = new ArrayList<>();
        if (adminToken != null && !adminToken.isBlank()) {
            entries.add(new Entry(new ConsoleUser(ADMIN, Role.OPERATOR), sha256(adminToken)));
        }
        if (usersFile != null) {
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(usersFile));
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read admin.console.users_file at " + usersFile + ": " + e.getMessage()
                        + ". Write the file, or remove users_file");
            }
            JsonNode users = root == null ? null : root.path("users");
            if (users == null || !users.isArray()) {
                throw new IllegalArgumentException("No users at " + usersFile + ": expected `users: [{name, role, token_sha256}]`");
            }
            for (int i = 0; i < users.size(); i++) {
                entries.add(entry(users.get(i), usersFile + ": users[" + i + "]"));
            }
        }
        return new ConsoleUsers(entries);
    }

    private static Entry entry(JsonNode node, String path) {
        String name = node.path("name").asText("");
        if (name.isBlank() || name.equals(ADMIN)) {
            throw new IllegalArgumentException("Bad name at " + path + ".name: got '" + name + "', expected a name other than '"
                    + ADMIN + "'. Name each user");
        }
        Role role = Role.parse(node.path("role").asText(""), path + ".role");
        String hash = node.path("token_sha256").asText("");
        if (!hash.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("Bad token hash at " + path + ".token_sha256: got '" + hash.length()
                    + " characters', expected 64 hex digits. Write the output of: printf %s \"$TOKEN\" | sha256sum");
        }
        return new Entry(new ConsoleUser(name, role), HexFormat.of().parseHex(hash.toLowerCase()));
    }

    /** The user a token signs in, if any. */
    public Optional<ConsoleUser> signIn(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = sha256(token);
        ConsoleUser found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(given, entry.tokenHash()) && found == null) {
                found = entry.user();
            }
        }
        return Optional.ofNullable(found);
    }

    public boolean any() {
        return !entries.isEmpty();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Java without SHA-256", e);
        }
    }
}
