package dev.switchboard.schemas.spi;

import java.time.Duration;

/** How one delivery attempt ended. */
public sealed interface DeliveryResult {

    /** The destination has the task (perhaps already had it: a duplicate it absorbed). */
    record Delivered(String detail) implements DeliveryResult {
    }

    /** Worth trying again (connection error, timeout, 5xx, 429); {@code retryAfter} is the destination's wish, or null. */
    record Retry(String reason, Duration retryAfter) implements DeliveryResult {
    }

    /** Trying again will not help (400, 401, 403, 404, a host that is not allowed); goes to the dead-letter topic. */
    record Rejected(String reason) implements DeliveryResult {
    }
}
