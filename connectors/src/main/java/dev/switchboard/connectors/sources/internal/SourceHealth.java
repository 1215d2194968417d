package dev.switchboard.connectors.sources.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a source reports in its health: its state, the details and counters it declares once (in its
 * constructor, under the key they are reported by), and its last error. A detail that is null at the
 * time of the report is left out.
 */
public final class SourceHealth {

    private final Map<String, Supplier<?>> entries = new LinkedHashMap<>();
    private volatile String state;
    private volatile String lastError;

    public SourceHealth(String state) {
        this.state = state;
    }

    /** Reports what {@code value} gives at the time of each report, under {@code key}. */
    public SourceHealth detail(String key, Supplier<?> value) {
        entries.put(key, value);
        return this;
    }

    /** A counter reported under {@code key}. */
    public AtomicLong counter(String key) {
        AtomicLong counter = new AtomicLong();
        entries.put(key, counter::get);
        return counter;
    }

    public String state() {
        return state;
    }

    public void state(String value) {
        state = value;
    }

    /** The last error, or null when there was none. */
    public String lastError() {
        return lastError;
    }

    public void failed(String error) {
        lastError = error;
    }

    /** The report: {@code state}, the details and counters in the order they were declared, then {@code last_error}. */
    public Map<String, Object> report() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("state", state);
        entries.forEach((key, value) -> {
            Object now = value.get();
            if (now != null) {
                health.put(key, now);
            }
        });
        if (lastError != null) {
            health.put("last_error", lastError);
        }
        return health;
    }
}
