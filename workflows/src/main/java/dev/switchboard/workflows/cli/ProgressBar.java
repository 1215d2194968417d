package dev.switchboard.workflows.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on standard error: redrawn in place on a terminal, a line every tenth of
 * the way otherwise (CI logs), so that logs stay short.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String title;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastDraw;
    private int lastTenth = -1;

    ProgressBar(PrintWriter err, String title) {
        this(err, title, System.console() != null);
    }

    ProgressBar(PrintWriter err, String title, boolean terminal) {
        this.err = err;
        this.title = title;
        this.terminal = terminal;
    }

    void update(int done, int total) {
        long now = System.nanoTime();
        boolean finished = done >= total;
        if (terminal) {
            if (!finished && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            err.print("\r" + line(done, total, now) + (finished ? "\n" : ""));
            err.flush();
            return;
        }
        int tenth = total == 0 ? 10 : (int) (10L * done / total);
        if (tenth != lastTenth && (tenth > lastTenth)) {
            lastTenth = tenth;
            err.println(line(done, total, now));
            err.flush();
        }
    }

    private String line(int done, int total, long now) {
        double seconds = (now - started) / 1e9;
        double share = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.round(share * WIDTH);
        double rate = seconds == 0 ? 0 : done / seconds;
        String eta = rate == 0 || done >= total ? "" : String.format(Locale.ROOT, " eta %ds", (int) Math.ceil((total - done) / rate));
        return String.format(Locale.ROOT, "%-22s [%s%s] %d/%d %3.0f%% %.0f/s%s", title, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, share * 100, rate, eta);
    }
}
