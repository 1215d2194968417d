package dev.switchboard.workflows.reliability;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The repository's image, built from the Dockerfile on the jar and lib folder that {@code ./mvnw package}
 * made (by the docker CLI where there is one, else by Testcontainers), and run as helm/switchboard runs it: uid 10001, a read-only root filesystem,
 * tmpfs over /tmp and the data folder, every capability dropped, no new privileges, the configuration
 * mounted read-only at /etc/switchboard. It runs on the host's network, so that the test broker and
 * receiver on 127.0.0.1 are reached without a bridge.
 */
final class ChartLikeContainer {

    static final String IMAGE = "switchboard-it:latest";
    static final String DATA = "/var/lib/switchboard";
    static final String CONFIG = "/etc/switchboard";
    /** Bases tried in this order unless -Dswitchboard.image.base names one: docker/base-from-host.sh makes the first. */
    static final List<String> BASES = List.of("switchboard-base:17", "eclipse-temurin:17-jre");
    private static final String READY = "Switchboard running";
    /** What the CLI prints when SIGTERM has begun its shutdown. */
    static final String STOPPING = "Switchboard stopping";

    private ChartLikeContainer() {
    }

    /** Why the image cannot be built here, or empty when it can: no Docker daemon, or no base image present. */
    static Optional<String> unavailable() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("No Docker daemon answers (DOCKER_HOST or /var/run/docker.sock): the container image tests are skipped. "
                    + ".ci/run starts one with `dockerd --bridge=none --iptables=false`");
        }
        return base().isPresent() ? Optional.empty() : Optional.of("No base image present locally: got none of "
                + System.getProperty("switchboard.image.base", String.join(", ", BASES))
                + ", expected one. Build one without a registry with docker/base-from-host.sh, or pull eclipse-temurin:17-jre");
    }

    /** The base image the Dockerfile gets as BASE: -Dswitchboard.image.base, else the first of {@link #BASES} present. */
    static Optional<String> base() {
        String chosen = System.getProperty("switchboard.image.base");
        return (chosen == null ? BASES : List.of(chosen)).stream().filter(ChartLikeContainer::present).findFirst();
    }

    private static boolean present(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Builds the image from the repository's Dockerfile and packaged jar; kept afterwards, so a rebuild reuses its layers. */
    static String build(Path repository, String base) {
        Path jar = repository.resolve("workflows/target/switchboard-cli.jar");
        Path lib = repository.resolve("workflows/target/lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException("The packaged engine at " + jar + ": got none, expected the jar and its lib folder. "
                    + "Run the test after the package phase (./mvnw -B verify runs it in integration-test)");
        }
        Optional<Path> cli = dockerCli();
        if (cli.isPresent()) {
            return buildWithCli(cli.get(), repository, base);
        }
        return new ImageFromDockerfile(IMAGE, false)
                .withFileFromPath("Dockerfile", repository.resolve("Dockerfile"))
                .withFileFromPath("workflows/target/switchboard-cli.jar", jar)
                .withFileFromPath("workflows/target/lib", lib)
                .withFileFromPath("docker/data", repository.resolve("docker/data"))
                .withBuildArg("BASE", base)
                // the daemon runs without its default bridge (.ci/run); the Dockerfile has no RUN that would need a network
                .withBuildImageCmdModifier(command -> command.withNetworkMode("none"))
                .get();
    }

    /**
     * The docker CLI on the PATH, which sends the build context (what .dockerignore lets through: the jar and
     * its 430 MB lib folder) to the daemon as it is, where Testcontainers gzips it first: 31 s of one core
     * before the daemon saw a byte, in the CI run at 49dbce0.
     */
    private static Optional<Path> dockerCli() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, "docker"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** {@code docker build} of the repository's Dockerfile, as its header shows it, without a network as below. */
    private static String buildWithCli(Path docker, Path repository, String base) {
        try {
            Process process = new ProcessBuilder(docker.toString(), "build", "--network", "none", "--build-arg", "BASE=" + base,
                    "-t", IMAGE, ".").directory(repository.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("docker build of " + IMAGE + " failed: " + output);
            }
            return IMAGE;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + docker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while building " + IMAGE, e);
        }
    }

    /**
     * The container as the chart's deployment runs it, not started; {@code config} becomes /etc/switchboard.
     * Its output is appended to {@code log}.
     */
    static GenericContainer<?> create(String image, Path config, Path log) {
        readableByAll(config);
        GenericContainer<?> container = new GenericContainer<>(image);
        return container
                .withNetworkMode("host")
                .withFileSystemBind(config.toString(), CONFIG, BindMode.READ_ONLY)
                // emptyDirs in Kubernetes: writable, and native libraries extracted there may be loaded (exec)
                .withTmpFs(Map.of(
                        "/tmp", "rw,exec,nosuid,nodev,mode=1777,size=512m",
                        DATA, "rw,exec,nosuid,nodev,uid=10001,gid=10001,mode=0700,size=512m"))
                // the chart's environment (templates/deployment.yaml, values.yaml javaOptions and mallocArenaMax)
                .withEnv("HOME", DATA)
                .withEnv("MALLOC_ARENA_MAX", "2")
                .withEnv("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=40.0 -XX:+ExitOnOutOfMemoryError -Duser.home=" + DATA
                        + " -Djava.io.tmpdir=/tmp")
                .withCommand("run", "--config", CONFIG + "/switchboard.yaml")
                .withCreateContainerCmdModifier(command -> {
                    command.withUser("10001:10001").withWorkingDir(DATA);
                    command.getHostConfig()
                            .withReadonlyRootfs(true)
                            .withCapDrop(Capability.ALL)
                            .withSecurityOpts(List.of("no-new-privileges"));
                })
                .withLogConsumer(frame -> append(log, frame.getUtf8String()))
                .waitingFor(Wait.forLogMessage(".*" + READY + ".*\\n", 1).withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** Sends {@code signal} to the container's main process, as {@code docker kill -s} does. */
    static void signal(GenericContainer<?> container, String signal) {
        container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal(signal).exec();
    }

    /** Waits until the container has exited and returns its exit code. */
    static long awaitExit(GenericContainer<?> container, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state = container.getDockerClient()
                    .inspectContainerCmd(container.getContainerId()).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                return state.getExitCodeLong();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The container did not exit within " + patience + " after the signal");
            }
            Thread.sleep(100); // polling the container's state
        }
    }

    /** The folder's files are mounted as they are: uid 10001 must be able to read them, as a ConfigMap's are. */
    private static void readableByAll(Path folder) {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.toList()) {
                path.toFile().setReadable(true, false);
                if (Files.isDirectory(path)) {
                    path.toFile().setExecutable(true, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path log, String text) {
        try {
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
