package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The examples shipped inside the CLI's jar ({@code /examples/...}), copied out for a demo to run them from a
 * folder, as a user would. A folder is listed from the jar, or from the classes folder when run from the build.
 */
final class ExampleResources {

    private ExampleResources() {
    }

    /** Copies {@code /examples/<resource>} to {@code <examples>/<resource>}. */
    static void copy(String resource, Path examples) throws IOException {
        Path target = examples.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ExampleResources.class.getResourceAsStream("/examples/" + resource)) {
            if (in == null) {
                throw new IOException("Missing example resource " + resource);
            }
            Files.write(target, in.readAllBytes());
        }
    }

    /** Copies every file of the folder {@code /examples/<folder>} (not its subfolders) to {@code <examples>/<folder>}. */
    static void copyFolder(String folder, Path examples) throws IOException {
        URL url = ExampleResources.class.getResource("/examples/" + folder);
        if (url == null) {
            throw new IOException("Missing example folder " + folder);
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("Unreadable example folder " + url, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem jar;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException open) {
                copyFiles(FileSystems.getFileSystem(uri).provider().getPath(uri), folder, examples);
                return;
            }
            try (jar) {
                copyFiles(jar.provider().getPath(uri), folder, examples);
            }
        } else {
            copyFiles(Path.of(uri), folder, examples);
        }
    }

    private static void copyFiles(Path source, String folder, Path examples) throws IOException {
        Path target = Files.createDirectories(examples.resolve(folder));
        List<Path> files;
        try (Stream<Path> entries = Files.list(source)) {
            files = entries.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Files.copy(file, target.resolve(file.getFileName().toString()));
        }
    }
}
