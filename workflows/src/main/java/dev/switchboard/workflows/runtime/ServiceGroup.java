package dev.switchboard.workflows.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started in the order given and stopped in reverse. When one fails to start, those
 * started before it are stopped, and the failure names the one that failed.
 */
final class ServiceGroup {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceGroup.class);

    private final List<Service> services;
    private final Deque<Service> started = new ArrayDeque<>();

    ServiceGroup(List<Service> services) {
        this.services = List.copyOf(services);
    }

    synchronized void start() {
        for (Service service : services) {
            try {
                service.start();
            } catch (Exception e) {
                stop();
                throw new IllegalStateException(service.name() + ": " + e.getMessage(), e);
            }
            started.push(service);
        }
    }

    /** Stops every started service, the last started first; a failure to stop one is logged and the rest still stop. */
    synchronized void stop() {
        while (!started.isEmpty()) {
            Service service = started.pop();
            try {
                service.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {}: {}", service.name(), e.getMessage());
            }
        }
    }
}
