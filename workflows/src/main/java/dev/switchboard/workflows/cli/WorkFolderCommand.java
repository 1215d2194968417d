package dev.switchboard.workflows.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;

/** A self-contained run (a benchmark) that keeps its broker data and outputs in {@code --dir}, emptied first. */
abstract class WorkFolderCommand extends CliCommand {

    @Mixin
    WorkFolderOption workFolder;

    @Override
    public final Integer call() throws Exception {
        return run(out(), workFolder.fresh());
    }

    /** Runs in {@code dir}, emptied and created; returns the exit status. */
    abstract Integer run(PrintWriter out, Path dir) throws Exception;
}
