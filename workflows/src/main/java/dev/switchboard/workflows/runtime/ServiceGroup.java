package dev.switchboard.workflows.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started in the order they are added and stopped in reverse. When one fails to start,
 * those started before it are stopped, and the failure names the one that failed.
 */
final class ServiceGroup {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceGroup.class);

    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Deque<Map.Entry<String, Service>> started = new ArrayDeque<>();

    /** Adds a service under a name for log lines and errors ({@code kafka}, {@code delivery}...); null adds nothing. */
    ServiceGroup add(String name, Service service) {
        if (service != null) {
            services.put(name, service);
        }
        return this;
    }

    synchronized void start() {
        for (Map.Entry<String, Service> service : services.entrySet()) {
            try {
                service.getValue().start();
            } catch (Exception e) {
                stop();
                throw new IllegalStateException(service.getKey() + ": " + e.getMessage(), e);
            }
            started.push(service);
        }
    }

    /** Stops every started service, the last started first; a failure to stop one is logged and the rest still stop. */
    synchronized void stop() {
        while (!started.isEmpty()) {
            Map.Entry<String, Service> service = started.pop();
            try {
                service.getValue().stop();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {}: {}", service.getKey(), e.getMessage());
            }
        }
    }
}
