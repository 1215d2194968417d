package dev.switchboard.workflows.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a request to stop {@code switchboard run}: the run drains its in-flight work and
 * returns like any finished command, so the process exits 0. Left to the JVM they would run the shutdown
 * hooks and exit 143 (130 for Ctrl-C), which scripts and container runtimes read as a failure. The first
 * signal puts the JVM's own handlers back, so a second one stops at once, as before.
 */
final class StopSignals {

    private static final List<String> NAMES = List.of("TERM", "INT");

    private final CountDownLatch requested = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new HashMap<>();

    private StopSignals() {
    }

    static StopSignals install() {
        StopSignals signals = new StopSignals();
        synchronized (signals) {
            for (String name : NAMES) {
                Signal signal = new Signal(name);
                signals.previous.put(signal, Signal.handle(signal, received -> signals.stopRequested()));
            }
        }
        return signals;
    }

    /** Returns once a stop signal has arrived. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** Puts the JVM's handlers back; called by the first signal, and when the run ends otherwise. */
    synchronized void restore() {
        previous.forEach(Signal::handle);
        previous.clear();
    }

    private void stopRequested() {
        restore();
        requested.countDown();
    }
}
