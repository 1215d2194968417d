package dev.switchboard.llm.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels a classifier may answer with, each with a description and optional few-shot examples.
 * Its {@link #version()} is a content hash, so every output names the exact label set that produced it.
 */
public record LabelSet(Map<String, String> descriptions, Map<String, List<String>> examples) {

    public LabelSet {
        if (descriptions == null || descriptions.size() < 2) {
            throw new IllegalArgumentException("A label set needs at least two labels");
        }
        Map<String, String> labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(descriptions));
        descriptions = labels;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (examples != null) {
            examples.forEach((label, texts) -> {
                if (!labels.containsKey(label)) {
                    throw new IllegalArgumentException("Examples for unknown label '" + label + "'");
                }
                copy.put(label, List.copyOf(texts));
            });
        }
        examples = java.util.Collections.unmodifiableMap(copy);
    }

    public List<String> labels() {
        return List.copyOf(descriptions.keySet());
    }

    public boolean contains(String label) {
        return descriptions.containsKey(label);
    }

    /** {@code ls-} and 12 hex digits of SHA-256 over labels, descriptions and examples. */
    public String version() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            descriptions.forEach((label, description) -> {
                sha.update(label.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(description.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                for (String example : examples.getOrDefault(label, List.of())) {
                    sha.update(example.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
            });
            return "ls-" + HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
