package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** {@code --dir}: the folder a self-contained run (demo, bench) keeps its broker data and outputs in, emptied first. */
final class WorkFolderOption {

    @Option(names = "--dir", paramLabel = "FOLDER", defaultValue = "out/${COMMAND-NAME}",
            description = "Working folder for broker data and outputs, emptied first (default: ${DEFAULT-VALUE}).")
    Path dir;

    /** The folder, emptied and created. */
    Path fresh() throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
