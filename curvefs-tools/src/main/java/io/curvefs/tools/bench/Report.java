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
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The figures, one row per workload and one column per directory, plus DIR1/DIRn ratios when there are
 * several directories (with a mount first and a local disk second, the ratio is the mount's share of
 * the disk's speed). NaN is a figure that does not exist (no client process to measure), shown "n/a".
 */
final class Report {
    private final List<Path> dirs;
    private final List<Workload> workloads;
    private final double[][] figures;
    private final List<List<Map<String, Double>>> cpu;
    private final List<String> notes;

    /** figures[d][w] and cpu.get(d).get(w): directory d, workload w (cpu null where not timed). */
    Report(List<Path> dirs, List<Workload> workloads, double[][] figures, List<List<Map<String, Double>>> cpu,
           List<String> notes) {
        this.dirs = dirs;
        this.workloads = workloads;
        this.figures = figures;
        this.cpu = cpu;
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
        printCpu(out);
        notes.forEach(n -> out.println("note: " + n));
    }

    /** CPU ms per unit, one row per timed workload and directory, one column per process seen. */
    private void printCpu(PrintWriter out) {
        Set<String> processes = new LinkedHashSet<>();
        cpu.forEach(column -> column.stream().filter(Objects::nonNull).forEach(m -> processes.addAll(m.keySet())));
        if (processes.isEmpty()) {
            return;
        }
        List<String> order = new ArrayList<>(processes);
        order.sort(Comparator.comparingInt(Report::rank).thenComparing(Comparator.naturalOrder()));
        List<String> headers = new ArrayList<>(List.of("CPU ms per unit", "dir"));
        headers.addAll(order);
        Table table = new Table(headers.toArray(String[]::new));
        for (int w = 0; w < workloads.size(); w++) {
            for (int d = 0; d < dirs.size(); d++) {
                Map<String, Double> m = cpu.get(d).get(w);
                if (m == null) {
                    continue;
                }
                List<Object> cells = new ArrayList<>(List.of(workloads.get(w).name(), dirs.get(d).toString()));
                order.forEach(p -> cells.add(m.containsKey(p) ? String.format("%.3f", m.get(p)) : ""));
                table.row(cells.toArray());
            }
        }
        table.print(out);
        out.println();
    }

    private static int rank(String process) {
        return switch (process) {
            case CpuMeter.CLIENT -> 0;
            case CpuMeter.MACHINE -> 3;
            case CpuMeter.OTHER_CLIENTS -> 2;
            default -> 1;
        };
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
            JsonArray cpuValues = new JsonArray();
            for (List<Map<String, Double>> column : cpu) {
                Map<String, Double> m = column.get(w);
                if (m == null) {
                    cpuValues.add(JsonNull.INSTANCE);
                } else {
                    JsonObject o = new JsonObject();
                    m.forEach(o::addProperty);
                    cpuValues.add(o);
                }
            }
            row.add("cpu_ms_per_unit", cpuValues);
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
