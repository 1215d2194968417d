package dev.switchboard.connectors.sources.internal;

import java.util.concurrent.ThreadFactory;

/** The threads a source runs on: named after the source, so a thread dump says whose they are, and daemons, so none holds the JVM. */
public final class SourceThreads {

    private SourceThreads() {
    }

    public static ThreadFactory of(String sourceName) {
        return runnable -> {
            Thread thread = new Thread(runnable, "switchboard-source-" + sourceName);
            thread.setDaemon(true);
            return thread;
        };
    }
}
