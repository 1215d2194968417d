package dev.switchboard.workflows.runtime;

/**
 * A part of the engine that starts and stops (the Kafka connection, the output writer, delivery, the
 * workflow routes, the HTTP listener, sources, Kafka Streams stages, operations). The engine starts
 * its services in dependency order and stops them in reverse ({@link ServiceGroup}).
 */
public interface Service {

    /** Starts; a service that throws has cleaned up after itself, and the services before it are stopped. */
    void start() throws Exception;

    /** Stops and releases what {@link #start} took; called once, only after a successful start. */
    void stop();
}
