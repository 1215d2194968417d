package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.AttachmentRows;
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

    @Option(names = "--expected", paramLabel = "FILE",
            description = "Expected values in a file beside the dataset (.jsonl), one row per dataset row, joined on --expected-key; each "
                    + "row's becomes its field expected; a label column such as expected.score reads one of its fields.")
    Path expected;

    @Option(names = "--expected-key", defaultValue = "id", paramLabel = "FIELD",
            description = "The field that joins a dataset row to its expected row (default: ${DEFAULT-VALUE}).")
    String expectedKey;

    @Option(names = "--attachment-column", paramLabel = "FIELD",
            description = "Each row's FIELD names a file beside the dataset (a PDF invoice, say): the row becomes the email.received "
                    + "event a mail source publishes for a message with that file attached, its text read as the mail sources read it "
                    + "(a PDF's text layer; encrypted and image-only PDFs have none, as live). The row's from and subject are the message's.")
    String attachmentColumn;

    /** Refuses a dataset that is not there before anything slow starts. */
    void requireFile() {
        if (!Files.isRegularFile(file)) {
            throw CommandFailure.invalid("No dataset at " + file + ". Name a .csv or .jsonl file with --dataset");
        }
    }

    /** The rows, with the label field checked; a {@link CommandFailure} that names the fields otherwise. */
    Dataset read() {
        return read(true);
    }

    /** The rows; the label field is checked when it is required (a judge grades texts without a reference). */
    Dataset read(boolean labelRequired) {
        requireFile();
        Dataset dataset;
        try {
            dataset = Dataset.read(file);
            if (expected != null) {
                dataset = dataset.withExpected(Dataset.read(expected), expectedKey);
            }
            if (attachmentColumn != null) {
                requireColumn(dataset, attachmentColumn, "--attachment-column");
                Path folder = file.toAbsolutePath().getParent();
                dataset = AttachmentRows.attach(dataset, attachmentColumn, folder);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
        if (labelRequired) {
            requireColumn(dataset, labelColumn, "--label-column");
        }
        return dataset;
    }

    /** Refuses a field the dataset does not have, naming the option that names it. */
    void requireColumn(Dataset dataset, String field, String option) {
        if (field != null && !dataset.hasColumn(field)) {
            throw CommandFailure.invalid("No field '" + field + "' in " + file + "; its fields: " + dataset.columns() + ". Name it with " + option);
        }
    }
}
