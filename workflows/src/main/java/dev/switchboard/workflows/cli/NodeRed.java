package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node-RED for {@code bench http}, started by the repository's script (which installs it from npm once) on a free
 * port, and ready once its flow has answered a POST end to end. Stopped, with its children, on close.
 */
final class NodeRed implements AutoCloseable {

    /** The script's exit status when npm or node is not on the PATH. */
    private static final int NO_NPM = 3;
    private static final Duration START = Duration.ofMinutes(5);

    private final Process process;
    private final URI url;

    private NodeRed(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    URI url() {
        return url;
    }

    /** Node-RED forwarding to {@code receiver}, or null (with the reason printed) where it cannot run here. */
    static NodeRed start(Path script, String receiver, Path log, PrintWriter out) throws IOException, InterruptedException {
        int port = BenchHttpCommand.freePort();
        out.printf("  node-red: starting %s on port %d (installs node-red@4 from npm on the first run; log in %s)...%n", script, port, log);
        out.flush();
        Process process = new ProcessBuilder("bash", script.toString(), Integer.toString(port), receiver,
                        log.resolveSibling("node-red").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeRed nodeRed = new NodeRed(process, URI.create("http://127.0.0.1:" + port + "/events"));
        // HTTP/1.1 only: an h2c upgrade request goes to Node-RED's WebSocket handler, which drops it
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                List<String> lines = Files.readAllLines(log);
                String tail = String.join("\n    ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
                out.printf(process.exitValue() == NO_NPM ? "  node-red skipped: %s%n" : "  node-red skipped: the script stopped (exit %d):%n    %s%n",
                        process.exitValue() == NO_NPM ? tail : process.exitValue(), tail);
                return null;
            }
            if (answers(client, nodeRed.url)) {
                return nodeRed;
            }
            process.waitFor(500, TimeUnit.MILLISECONDS);
        }
        nodeRed.close();
        out.printf("  node-red skipped: its flow did not answer within %d s; see %s%n", START.toSeconds(), log);
        return null;
    }

    private static boolean answers(HttpClient client, URI url) throws InterruptedException {
        try {
            HttpRequest probe = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"node-red-probe\"}")).build();
            return client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
