package dev.switchboard.workflows.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the scenarios keep the engine's logs: {@code target/reliability/}, kept after the run to read. */
final class Logs {

    private Logs() {
    }

    static Path file(String name) {
        try {
            Path folder = Files.createDirectories(Path.of("target", "reliability").toAbsolutePath());
            return folder.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
