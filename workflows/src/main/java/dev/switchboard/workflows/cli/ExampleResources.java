package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
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
 * folder, as a user would, and loaded by the demo's engine. A folder is listed from the jar, or from the classes folder when run from the build.
 */
final class ExampleResources {

    private ExampleResources() {
    }

    /** Copies each of {@code /examples/<resource>} to {@code <examples>/<resource>}; returns {@code examples}. */
    static Path copyAll(List<String> resources, Path examples) throws IOException {
        for (String resource : resources) {
            copy(resource, examples);
        }
        return examples;
    }

    /** The {@code sinks:} entries of a demo whose every sink writes the JSON Lines file {@code ../<sink>.jsonl}. */
    static String jsonlSinks(List<String> sinks) {
        StringBuilder yaml = new StringBuilder();
        for (String sink : sinks) {
            yaml.append("  ").append(sink).append(":\n    jsonl:\n      path: ../").append(sink).append(".jsonl\n");
        }
        return yaml.toString();
    }

    /** The example workflow in {@code file}, as the engine loads it; when it is invalid, its problems are printed to {@code out}. */
    static Workflow load(Engine engine, Path file, PrintStream out) {
        WorkflowLoader.Result loaded = engine.loader().load(file);
        if (!loaded.ok()) {
            loaded.problems().forEach(out::println);
            throw new IllegalStateException("The example workflow " + file.getFileName() + " is invalid");
        }
        return loaded.workflow();
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
