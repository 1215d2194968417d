package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.Dataset;
import java.util.List;
import picocli.CommandLine.Option;

/** Which rows of a dataset an evaluation runs (all, a stratified sample, the first ones) and how many at a time. */
final class RowSelectionOptions {

    @Option(names = "--sample", paramLabel = "ROWS", description = "Evaluate a stratified sample of this many rows, picked with --seed.")
    Integer sample;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of --sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", paramLabel = "ROWS", description = "Evaluate the first rows only.")
    Integer limit;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "ROWS", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    void check() {
        if (batchSize < 1 || (sample != null && sample < 1) || (limit != null && limit < 1)) {
            throw CommandFailure.invalid("--batch-size, --sample and --limit must be at least 1");
        }
    }

    /** The rows kept, with a line for the reports on each choice. */
    Dataset select(Dataset rows, String labelColumn, List<String> notes) {
        int total = rows.rows().size();
        Dataset selected = rows;
        if (sample != null) {
            selected = selected.sample(labelColumn, sample, seed);
            notes.add("Stratified sample of " + selected.rows().size() + " of " + total + " rows (seed " + seed + ")");
        }
        if (limit != null) {
            selected = selected.head(limit);
            notes.add("First " + selected.rows().size() + " rows");
        }
        return selected;
    }
}
