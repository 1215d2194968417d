package dev.switchboard.llm.chat;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where model calls run. A call mostly waits (for a slot, a rate-limit permit, a backoff, the HTTP
 * answer), so on Java 21 and later every call gets its own virtual thread and hundreds in flight
 * cost a few kilobytes each. On Java 17 there are no virtual threads: calls share a bounded pool of
 * platform threads, which caps the calls in flight at its size. The code is built for Java 17, so
 * the virtual-thread executor is created reflectively.
 */
public final class CallExecutor {

    /** Platform threads for model calls on a JVM without virtual threads. */
    public static final int PLATFORM_THREADS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

    private CallExecutor() {
    }

    public static ExecutorService create(String name) {
        ExecutorService virtual = virtualThreadPerTask();
        if (virtual != null) {
            LOG.debug("Model calls of {} run on virtual threads", name);
            return virtual;
        }
        LOG.info("Model calls run on a pool of {} platform threads (Java {} has no virtual threads; Java 21+ lifts this bound)",
                PLATFORM_THREADS, Runtime.version().feature());
        AtomicInteger threads = new AtomicInteger();
        return Executors.newFixedThreadPool(PLATFORM_THREADS, task -> {
            Thread thread = new Thread(task, name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Whether this JVM gives every call its own virtual thread. */
    public static boolean virtualThreads() {
        return Runtime.version().feature() >= 21;
    }

    private static ExecutorService virtualThreadPerTask() {
        if (!virtualThreads()) {
            return null;
        }
        try {
            Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
