package io.curvefs.tools.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.curvefs.tools.JsonOut;
import io.curvefs.tools.Table;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures, one row per workload and one column per directory, plus DIR1/DIRn ratios when there are
 * several directories (with a mount first and a local disk second, the ratio is the mount's share of
 * the disk's speed). NaN is a figure that does not exist (no client process to measure), shown "n/a".
 */
final class Report {
    private final List<Path> dirs;
    private final List<Workload> workloads;
    private final double[][] figures;
    private final List<String> notes;

    /** figures[d][w]: directory d, workload w. */
    Report(List<Path> dirs, List<Workload> workloads, double[][] figures, List<String> notes) {
        this.dirs = dirs;
        this.workloads = workloads;
        this.figures = figures;
        this.notes = notes;
    }

    void printTable(PrintWriter out) {
        List<String> headers = new ArrayList<>(List.of("workload", "unit"));
        dirs.forEach(d -> headers.add(d.toString()));
        for (int d = 1; d < dirs.size(); d++) {
            headers.add("dir1/dir" + (d + 1));
        }
        Table table = new Table(headers.toArray(String[]::new));
        for (int w = 0; w < workloads.size(); w++) {
            List<String> cells = new ArrayList<>(List.of(workloads.get(w).name(), workloads.get(w).unit()));
            for (double[] column : figures) {
                cells.add(figure(column[w]));
            }
            for (int d = 1; d < dirs.size(); d++) {
                cells.add(ratio(figures[0][w], figures[d][w]));
            }
            table.row(cells.toArray());
        }
        table.print(out);
        out.println();
        notes.forEach(n -> out.println("note: " + n));
    }

    void printJson(PrintWriter out) {
        JsonObject json = new JsonObject();
        JsonArray dirList = new JsonArray();
        dirs.forEach(d -> dirList.add(d.toString()));
        json.add("dirs", dirList);
        JsonArray rows = new JsonArray();
        for (int w = 0; w < workloads.size(); w++) {
            JsonObject row = new JsonObject();
            row.addProperty("workload", workloads.get(w).name());
            row.addProperty("unit", workloads.get(w).unit());
            JsonArray values = new JsonArray();
            for (double[] column : figures) {
                values.add(Double.isNaN(column[w]) ? JsonNull.INSTANCE : new JsonPrimitive(column[w]));
            }
            row.add("values", values);
            rows.add(row);
        }
        json.add("workloads", rows);
        JsonArray noteList = new JsonArray();
        notes.forEach(noteList::add);
        json.add("notes", noteList);
        JsonOut.print(out, json);
    }

    static String figure(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "";
        }
        double r = a / b;
        return r >= 100 ? String.format("%.0f", r) : String.format("%.3g", r);
    }
}
