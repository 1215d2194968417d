package dev.switchboard.schemas.spi;

/**
 * What a sink may pass on about a delivery besides the task itself.
 *
 * @param traceparent the W3C trace context of this delivery, for sinks that speak HTTP to send as
 *                    {@code traceparent}; null when there is none
 * @param attempt     1 for the first attempt
 */
public record DeliveryContext(String traceparent, int attempt) {

    public static final DeliveryContext NONE = new DeliveryContext(null, 1);
}
