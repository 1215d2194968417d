package dev.switchboard.workflows.model;

import dev.switchboard.schemas.files.AllowedFolders;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.spi.StepEnvironment;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a workflow names ({@code @Option(file = true)}: an examples file, a lookup table, a knowledge
 * base, a schema): each resolved against the workflow file's folder, inside the folders the engine allows
 * (the configuration's and {@code files.allowed_dirs}; the workflow's own folder when there is no
 * configuration), and bound as that resolved path, so that checking and running read the same file.
 */
final class NamedFiles {

    private NamedFiles() {
    }

    static OptionsBinder.FileResolver resolver(Path workflowFolder, StepEnvironment environment, Problems problems) {
        AllowedFolders allowed = environment.service(AllowedFolders.class).orElseGet(() -> AllowedFolders.of(List.of(workflowFolder)));
        return (option, value, node, path) -> {
            try {
                return allowed.resolve(workflowFolder, value).toString();
            } catch (AllowedFolders.RefusedPathException e) {
                problems.add(node, path, e.what() + " at " + path + ": got '" + OptionsBinder.abbreviate(value)
                        + "', expected a path relative to the workflow file that stays inside " + allowed.folders()
                        + ". Move the file into one of them, or add its folder to files.allowed_dirs in switchboard.yaml");
                return null;
            }
        };
    }
}
