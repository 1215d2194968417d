package dev.switchboard.workflows.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table for the terminal: each column as wide as its widest cell, two spaces apart, so that no
 * value pushes the columns after it out of line; chosen columns right-aligned (numbers); the last
 * column left unpadded.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    TextTable(String... headers) {
        rows.add(headers);
        right = new boolean[headers.length];
    }

    /** Right-aligns these columns, counted from 0. */
    TextTable alignRight(int... columns) {
        for (int column : columns) {
            right[column] = true;
        }
        return this;
    }

    TextTable row(Object... cells) {
        if (cells.length != right.length) {
            throw new IllegalArgumentException("Expected " + right.length + " cells, got " + cells.length + ": " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[right.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                boolean last = c == row.length - 1;
                String padding = " ".repeat(widths[c] - row[c].length());
                line.append(right[c] ? padding + row[c] : last ? row[c] : row[c] + padding).append(last ? "" : "  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
