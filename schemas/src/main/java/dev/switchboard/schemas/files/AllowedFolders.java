package dev.switchboard.schemas.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The folders whose files a workflow may name (an examples file, a lookup table, a knowledge base, a
 * schema): the configuration's folder and those {@code files.allowed_dirs} adds. A path a workflow names is
 * resolved against the file that names it and refused when it is absolute, or when {@code ..} or a symbolic
 * link leads out of every allowed folder; so a workflow cannot read, and hand to a model or a task, a file
 * the engine happens to be able to read.
 */
public final class AllowedFolders {

    private final List<Path> folders;

    private AllowedFolders(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /** These folders (made absolute and normalized). */
    public static AllowedFolders of(Collection<Path> folders) {
        List<Path> absolute = new ArrayList<>();
        folders.forEach(folder -> absolute.add(folder.toAbsolutePath().normalize()));
        return new AllowedFolders(absolute);
    }

    public List<Path> folders() {
        return folders;
    }

    /** Why a path was refused, in the parts of a house-style message. */
    public static final class RefusedPathException extends IllegalArgumentException {
        private final String what;

        RefusedPathException(String what) {
            super(what);
            this.what = what;
        }

        /** "Absolute path", "Path outside the allowed folders", "Symbolic link out of the allowed folders". */
        public String what() {
            return what;
        }
    }

    /**
     * The file {@code written} names, relative to {@code against} (the folder of the file that names it): its real
     * path when it exists, else its normalized one.
     *
     * @throws RefusedPathException when the path is absolute or leads out of every allowed folder
     */
    public Path resolve(Path against, String written) {
        Path relative;
        try {
            relative = Path.of(written);
        } catch (java.nio.file.InvalidPathException e) {
            throw new RefusedPathException("Invalid path");
        }
        if (written.isBlank() || relative.isAbsolute() || written.startsWith("/") || written.startsWith("\\") || written.startsWith("~")) {
            throw new RefusedPathException("Absolute path");
        }
        Path resolved = against.toAbsolutePath().resolve(relative).normalize();
        if (!inside(resolved, folders)) {
            throw new RefusedPathException("Path outside the allowed folders");
        }
        Path real = realPath(resolved);
        if (!inside(real, realFolders())) {
            throw new RefusedPathException("Symbolic link out of the allowed folders");
        }
        return Files.exists(resolved) ? real : resolved;
    }

    /** The real path of a file, or of its deepest existing folder with the rest appended. */
    private static Path realPath(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    private List<Path> realFolders() {
        return folders.stream().map(AllowedFolders::realPath).toList();
    }

    private static boolean inside(Path path, List<Path> folders) {
        return folders.stream().anyMatch(path::startsWith);
    }
}
