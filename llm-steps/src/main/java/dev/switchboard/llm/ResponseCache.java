package dev.switchboard.llm;

import dev.switchboard.llm.steps.internal.PromptText;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Validated step outputs by model, prompt version and normalized input, so the same question is
 * not paid for twice. Entries expire after their TTL; past {@code maxEntries} the least recently
 * used go. Keys are hashes: no input text is kept, only the outputs.
 */
public final class ResponseCache {

    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private final int maxEntries;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public ResponseCache(int maxEntries, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ResponseCache.this.maxEntries;
            }
        };
    }

    public ResponseCache() {
        this(DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    /**
     * @param scope   the workflow name, or {@code shared} for steps that share across workflows
     * @param model   the model name under {@code models:} and the model id it serves
     * @param version the prompt version (template and options hash)
     * @param input   the input text; whitespace runs count as one space
     */
    public static String key(String scope, String model, String version, String input) {
        String normalized = input == null ? "" : input.strip().replaceAll("\\s+", " ");
        return PromptText.hash(scope + '\0' + model + '\0' + version + '\0' + normalized, 16);
    }

    public synchronized Map<String, Object> get(String key) {
        Entry entry = entries.get(key);
        if (entry == null || entry.expiresAtMillis < clock.millis()) {
            if (entry != null) {
                entries.remove(key);
            }
            misses.increment();
            return null;
        }
        hits.increment();
        return entry.output;
    }

    public synchronized void put(String key, Map<String, Object> output, Duration ttl) {
        entries.put(key, new Entry(output, clock.millis() + ttl.toMillis()));
    }

    public synchronized int size() {
        return entries.size();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    private record Entry(Map<String, Object> output, long expiresAtMillis) {
    }
}
