package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The examples shipped inside the jar (under {@code /examples}), copied out so a demo runs from any folder. */
final class ExampleResources {

    private ExampleResources() {
    }

    /** Copies {@code examples/<resource>} to {@code target/<resource>}. */
    static void copy(String resource, Path target) throws IOException {
        Path file = target.resolve(resource);
        Files.createDirectories(file.getParent());
        try (InputStream in = ExampleResources.class.getResourceAsStream("/examples/" + resource)) {
            if (in == null) {
                throw new IOException("Missing example resource " + resource);
            }
            Files.write(file, in.readAllBytes());
        }
    }

    /** Copies the files of folder {@code examples/<folder>} (not its subfolders) to {@code target/<folder>}. */
    static void copyFolder(String folder, Path target) throws IOException {
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
            // a jar's entries are read through a zip file system, opened here and closed after the copy
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copyFiles(jar.getPath("/examples/" + folder), folder, target);
            }
        } else {
            copyFiles(Path.of(uri), folder, target);
        }
    }

    private static void copyFiles(Path source, String folder, Path target) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(source)) {
            files = listing.filter(Files::isRegularFile).toList();
        }
        Path into = Files.createDirectories(target.resolve(folder));
        for (Path file : files) {
            Files.write(into.resolve(file.getFileName().toString()), Files.readAllBytes(file));
        }
    }
}
