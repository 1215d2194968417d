package dev.switchboard.schemas.spi;

/** The options of a source that publishes to one Kafka topic of its own, which {@link SourceFactory#topic} then names. */
public interface PublishingOptions {

    String topic();
}
