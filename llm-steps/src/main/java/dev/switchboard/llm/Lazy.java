package dev.switchboard.llm;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value made once, when first asked for, by whichever thread asks first: for what is costly to load
 * (an ONNX model) or to start (a thread pool) and may never be needed.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> make;
    private volatile T value;

    public Lazy(Supplier<T> make) {
        this.make = Objects.requireNonNull(make, "make");
    }

    @Override
    public T get() {
        T made = value;
        if (made == null) {
            synchronized (this) {
                if (value == null) {
                    value = make.get();
                }
                made = value;
            }
        }
        return made;
    }

    /** The value if it was made, for closing what was opened and nothing else. */
    public Optional<T> ifMade() {
        return Optional.ofNullable(value);
    }
}
