package dev.switchboard.workflows.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --out}: where a command that measures a workflow (eval, replay) writes its reports. */
final class ReportFolderOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--out", paramLabel = "FOLDER", description = "Folder for the reports (default: out/${COMMAND-NAME}/<workflow>).")
    Path folder;

    /** The folder named, else {@code out/<command>/<workflow>}. */
    Path resolve(String workflow) {
        return folder != null ? folder : Path.of("out", command.name(), workflow);
    }
}
