package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.workflows.eval.RowEvent;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code --type}, {@code --source}, {@code --subject} and their {@code -column} forms: what a dataset
 * row's event carries besides its data, so that a workflow's filter and conditions see what they test.
 */
final class RowEventOptions {

    @ArgGroup(exclusive = true)
    Type type = new Type();

    @ArgGroup(exclusive = true)
    Source source = new Source();

    @ArgGroup(exclusive = true)
    Subject subject = new Subject();

    static final class Type {
        @Option(names = "--type", paramLabel = "TYPE", description = "The event type of every row (default: the first type the workflow takes).")
        String value;

        @Option(names = "--type-column", paramLabel = "FIELD", description = "The field that holds each row's event type.")
        String column;
    }

    static final class Source {
        @Option(names = "--source", paramLabel = "SOURCE", description = "The event source of every row (default: " + RowEvent.DEFAULT_SOURCE + ").")
        String value;

        @Option(names = "--source-column", paramLabel = "FIELD", description = "The field that holds each row's event source.")
        String column;
    }

    static final class Subject {
        @Option(names = "--subject", paramLabel = "SUBJECT", description = "The event subject of every row (default: none).")
        String value;

        @Option(names = "--subject-column", paramLabel = "FIELD", description = "The field that holds each row's event subject.")
        String column;
    }

    /** The attributes, with every column checked against the dataset's fields. */
    RowEvent rowEvent(DatasetOptions dataset, Dataset rows) {
        dataset.requireColumn(rows, type.column, "--type-column");
        dataset.requireColumn(rows, source.column, "--source-column");
        dataset.requireColumn(rows, subject.column, "--subject-column");
        return new RowEvent(type.value, type.column, source.value, source.column, subject.value, subject.column);
    }
}
