package dev.switchboard.llm.chat;

import dev.switchboard.llm.ModelDefinition;

/**
 * A chat model behind an OpenAI-compatible API. {@link #chat} never throws for a failed call: the
 * failure comes back in the answer, mapped to retriable or not in one place ({@link ChatFailures}).
 * Implementations are thread-safe; calls block, so callers run them on virtual threads where the JVM
 * has them.
 */
public interface ChatEndpoint extends AutoCloseable {

    /** The name under {@code models:}. */
    String name();

    ModelDefinition definition();

    ChatAnswer chat(ChatCall call);

    @Override
    default void close() {
    }
}
