package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dataset} and {@code --label-column}: a labelled dataset, for training and evaluation. */
final class DatasetOptions {

    @Option(names = "--dataset", required = true, paramLabel = "FILE", description = "Labelled dataset: .csv with a header row, or .jsonl.")
    Path file;

    @Option(names = "--label-column", defaultValue = "label", paramLabel = "FIELD", description = "Field with the label (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    /** Refuses a dataset that is not there before anything slow starts. */
    void requireFile() {
        if (!Files.isRegularFile(file)) {
            throw CommandFailure.invalid("No dataset at " + file + ". Name a .csv or .jsonl file with --dataset");
        }
    }

    /** The rows, with the label field checked; a {@link CommandFailure} that names the fields otherwise. */
    Dataset read() {
        requireFile();
        Dataset dataset;
        try {
            dataset = Dataset.read(file);
        } catch (IOException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
        requireColumn(dataset, labelColumn, "--label-column");
        return dataset;
    }

    /** Refuses a field the dataset does not have, naming the option that names it. */
    void requireColumn(Dataset dataset, String field, String option) {
        if (field != null && !dataset.columns().contains(field)) {
            throw CommandFailure.invalid("No field '" + field + "' in " + file + "; its fields: " + dataset.columns() + ". Name it with " + option);
        }
    }
}
