package dev.switchboard.llm.chat;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;

/** An HTTP error answer with the {@code Retry-After} the endpoint asked for, which LangChain4j's own clients drop. */
public final class RetryAfterException extends HttpException {

    private final transient Duration retryAfter;

    public RetryAfterException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    /** The wait the endpoint asked for, or null when it named none. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
