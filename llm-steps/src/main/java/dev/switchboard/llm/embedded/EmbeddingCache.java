package dev.switchboard.llm.embedded;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Embeddings of texts kept on disk, so that training and evaluation runs over the same dataset embed
 * each text once. One append-only file per embedding model ({@code <folder>/<model>.vectors}); each
 * record is the first 16 bytes of SHA-256 of the text and its vector as float32. A torn last record
 * (a run killed mid-write) is ignored on load.
 */
public final class EmbeddingCache {

    private static final int KEY_BYTES = 16;
    private static final int CHUNK = 256;

    private final Path file;
    private final int dimension;
    private final Map<Key, float[]> vectors = new HashMap<>();
    private long hits;
    private long misses;
    private double encodeSeconds;

    private record Key(long high, long low) {
    }

    /** A cache under {@code folder} for one model; {@code folder} null keeps it in memory only. */
    public EmbeddingCache(Path folder, String modelName, int dimension) {
        this.dimension = dimension;
        this.file = folder == null ? null : folder.resolve(modelName.replaceAll("[^A-Za-z0-9._-]", "_") + ".vectors");
        if (file != null && Files.exists(file)) {
            load();
        }
    }

    /** How many lookups were answered from the cache. */
    public long hits() {
        return hits;
    }

    /** How many texts had to be embedded. */
    public long misses() {
        return misses;
    }

    /** Texts embedded per second by the encoder, over every miss so far; 0 when nothing was embedded. */
    public double textsPerSecond() {
        return encodeSeconds == 0 ? 0 : misses / encodeSeconds;
    }

    /**
     * The unit vector of every text, in order: from the cache, or encoded in chunks and added to it.
     *
     * @param encoder  unit vectors for a list of texts, in order (e.g. {@code texts -> encoder.encode(texts).vectors()})
     * @param progress told the number of texts done so far, after each chunk
     */
    public float[][] embed(Function<List<String>, float[][]> encoder, List<String> texts, IntConsumer progress) {
        float[][] out = new float[texts.size()][];
        List<Integer> missing = new ArrayList<>();
        Map<Key, List<Integer>> pending = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            Key key = key(texts.get(i));
            float[] known = vectors.get(key);
            if (known != null) {
                out[i] = known;
                hits++;
            } else if (pending.containsKey(key)) {
                pending.get(key).add(i); // the same text twice in one call is embedded once
                hits++;
            } else {
                pending.put(key, new ArrayList<>(List.of(i)));
                missing.add(i);
            }
        }
        int done = texts.size() - missing.size();
        progress.accept(done);
        for (int start = 0; start < missing.size(); start += CHUNK) {
            List<Integer> chunk = missing.subList(start, Math.min(missing.size(), start + CHUNK));
            long started = System.nanoTime();
            float[][] encoded = encoder.apply(chunk.stream().map(texts::get).toList());
            encodeSeconds += (System.nanoTime() - started) / 1e9;
            misses += chunk.size();
            Map<Key, float[]> fresh = new HashMap<>();
            for (int k = 0; k < chunk.size(); k++) {
                Key key = key(texts.get(chunk.get(k)));
                fresh.put(key, encoded[k]);
                for (int index : pending.get(key)) {
                    out[index] = encoded[k];
                }
                done += pending.get(key).size();
            }
            vectors.putAll(fresh);
            append(fresh);
            progress.accept(done);
        }
        return out;
    }

    private void load() {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] record = new byte[KEY_BYTES + 4 * dimension];
            while (true) {
                try {
                    in.readFully(record);
                } catch (EOFException end) {
                    break;
                }
                ByteBuffer buffer = ByteBuffer.wrap(record);
                Key key = new Key(buffer.getLong(), buffer.getLong());
                float[] vector = new float[dimension];
                buffer.asFloatBuffer().get(vector);
                vectors.put(key, vector);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedding cache " + file + ": " + e.getMessage()
                    + ". Delete the file to rebuild it", e);
        }
    }

    private void append(Map<Key, float[]> fresh) {
        if (file == null || fresh.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                for (Map.Entry<Key, float[]> entry : fresh.entrySet()) {
                    out.writeLong(entry.getKey().high());
                    out.writeLong(entry.getKey().low());
                    for (float value : entry.getValue()) {
                        out.writeFloat(value);
                    }
                }
            }
        } catch (IOException e) {
            // The cache only saves time; a run that cannot write it still has its vectors.
            System.getLogger(EmbeddingCache.class.getName()).log(System.Logger.Level.WARNING,
                    "Cannot write the embedding cache " + file + ": " + e.getMessage());
        }
    }

    private static Key key(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buffer = ByteBuffer.wrap(digest, 0, KEY_BYTES);
            return new Key(buffer.getLong(), buffer.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
