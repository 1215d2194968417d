package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/** The {@code files:} section: the folders whose files workflows may name. */
public record FileSettings(
        @Option(description = "Folders, relative to this file, whose files workflows may name (examples files, lookup tables, knowledge "
                + "bases, schemas), besides this file's own folder. A path a workflow names is relative to the workflow file and must "
                + "stay inside one of them: absolute paths, and `..` or symbolic links that lead out, are refused.")
        @JsonProperty("allowed_dirs") List<String> allowedDirs) {

    public static FileSettings defaults() {
        return DefaultOptions.of(FileSettings.class);
    }
}
