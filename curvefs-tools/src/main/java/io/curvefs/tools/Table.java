package io.curvefs.tools;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table whose columns are as wide as their widest cell. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        rows.add(headers);
    }

    public Table row(Object... cells) {
        String[] text = new String[rows.get(0).length];
        for (int i = 0; i < text.length; i++) {
            text[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(text);
        return this;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
