package dev.switchboard.workflows.reliability;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine as a separate operating-system process ({@code switchboard run --config ...}) on this
 * test's classpath, so that a test can {@code kill -9} it and start it again. Everything it prints
 * goes to one log file, appended across restarts, with the production logging configuration.
 */
final class EngineProcess implements AutoCloseable {

    private static final String READY = "Switchboard running";

    private final Path config;
    private final Path log;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;
    private int readyBeforeStart;

    EngineProcess(Path config, Path log, Map<String, String> environment, List<String> jvmOptions) {
        this.config = config;
        this.log = log;
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts the engine and returns at once; {@link #awaitRunning} waits for it to be up. */
    EngineProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The engine process is already running");
        }
        try {
            // one per log: several instances start at once, and a JVM still reading the file would see it truncated
            Path argFile = log.resolveSibling(log.getFileName() + ".classpath.args");
            // written each time: a file left by an earlier build would name that build's dependencies
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Files.writeString(argFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            logbackConfiguration().ifPresent(file -> command.add("-Dlogback.configurationFile=" + file));
            command.add("@" + argFile);
            command.add("dev.switchboard.workflows.cli.SwitchboardCli");
            command.add("run");
            command.add("--config");
            command.add(config.toString());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(config.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Files.writeString(log, System.lineSeparator() + "=== start " + (++starts) + " ===" + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            readyBeforeStart = countReady();
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the engine process", e);
        }
    }

    /** Waits until this start has printed that it runs; fails when the process dies first. */
    void awaitRunning(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (countReady() > readyBeforeStart) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("The engine exited with " + process.exitValue() + " before it ran; see " + log);
            }
            Thread.sleep(100); // polling the log file for the start line
        }
        throw new IllegalStateException("The engine did not start within " + patience + "; see " + log);
    }

    /** {@code kill -9}: no shutdown hook, no flush, no commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The engine did not die after kill -9");
        }
    }

    /** SIGTERM, as an orchestrator stops it; kill -9 if it takes longer than 30 s. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    int starts() {
        return starts;
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int countReady() {
        String text = logText();
        int count = 0;
        for (int at = text.indexOf(READY); at >= 0; at = text.indexOf(READY, at + 1)) {
            count++;
        }
        return count;
    }

    /** The production logging configuration (main resources), not the tests' one. */
    private static java.util.Optional<String> logbackConfiguration() {
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator)) {
            Path candidate = Path.of(entry, "logback.xml");
            if (entry.endsWith(File.separator + "classes") && Files.exists(candidate)
                    && entry.contains("workflows")) {
                return java.util.Optional.of(candidate.toString());
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
