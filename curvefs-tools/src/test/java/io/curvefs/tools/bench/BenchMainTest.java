package io.curvefs.tools.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench on local directories with tiny sizes: every workload yields a figure and nothing is left behind. */
class BenchMainTest {
    private static final String[] TINY = {"--quick", "--items", "20", "--threads", "2", "--size", "2MiB",
            "--random-ops", "50"};
    private static final String RSS_ROW = "client RSS while writing sequentially";

    @TempDir
    Path a;
    @TempDir
    Path b;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static String[] tiny(String... more) {
        return Stream.concat(Stream.of(TINY), Stream.of(more)).toArray(String[]::new);
    }

    private static List<String> workloadNames() {
        return Workloads.all(new BenchParams(20, 2, 2 << 20, 50)).stream()
                .flatMap(c -> c.workloads().stream()).map(Workload::name).toList();
    }

    @Test
    void everyWorkloadHasAPositiveFigureForEachDirAndARatio() throws IOException {
        Result r = run(tiny(a.toString(), b.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("workload", "unit", a.toString(), b.toString(), "dir1/dir2"),
                List.of(lines.get(0).split("\\s{2,}")));
        List<String> names = workloadNames();
        assertEquals(16, names.size());
        for (String name : names) {
            String[] cells = lines.stream().filter(l -> l.startsWith(name + "  ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + r.out())).split("\\s{2,}");
            if (name.equals(RSS_ROW)) {
                // no curve-fuse serves a temporary directory
                assertEquals(List.of(name, "MiB", "n/a", "n/a"), List.of(cells));
                continue;
            }
            assertEquals(5, cells.length, () -> String.join("|", cells));
            for (int i = 2; i < 5; i++) {
                assertTrue(Double.parseDouble(cells[i].replace(",", "")) > 0, name + ": " + String.join("|", cells));
            }
        }
        assertTrue(r.out().contains("note: 20 items per thread, 2 threads, 2 MiB sequential file, 50 random I/Os"), r.out());
        assertNothingLeft(a);
        assertNothingLeft(b);
    }

    @Test
    void everyTimedRowHasTheMachinesCpuPerUnitForEachDir() throws IOException {
        Result r = run(tiny(a.toString(), b.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("CPU ms per unit  ")).findFirst()
                .orElseThrow(() -> new AssertionError("no CPU table in\n" + r.out())));
        List<String> columns = List.of(lines.get(header).split("\\s{2,}"));
        assertEquals("machine", columns.get(columns.size() - 1), lines.get(header));
        for (String name : workloadNames()) {
            for (Path dir : List.of(a, b)) {
                List<String> rows = lines.subList(header + 1, lines.size()).stream()
                        .filter(l -> l.startsWith(name + "  ") && l.contains("  " + dir + "  ")).toList();
                if (name.equals(RSS_ROW)) {
                    assertEquals(List.of(), rows, "a figure that is not timed has no CPU");
                    continue;
                }
                assertEquals(1, rows.size(), () -> name + " on " + dir + " in\n" + r.out());
                String[] cells = rows.get(0).split("\\s{2,}");
                assertTrue(Double.parseDouble(cells[cells.length - 1]) >= 0, rows.get(0));
            }
        }
    }

    @Test
    void jsonHasOneValuePerDirForEveryWorkload() throws IOException {
        Result r = run(tiny("--format", "json", a.toString()));
        assertEquals(0, r.code(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(a.toString(), json.getAsJsonArray("dirs").get(0).getAsString());
        JsonArray rows = json.getAsJsonArray("workloads");
        assertEquals(workloadNames(), StreamSupport.stream(rows.spliterator(), false)
                .map(e -> e.getAsJsonObject().get("workload").getAsString()).toList());
        for (var e : rows) {
            JsonObject row = e.getAsJsonObject();
            var value = row.getAsJsonArray("values").get(0);
            var cpu = row.getAsJsonArray("cpu_ms_per_unit").get(0);
            if (row.get("workload").getAsString().equals(RSS_ROW)) {
                assertTrue(value.isJsonNull(), row.toString());
                assertTrue(cpu.isJsonNull(), row.toString());
            } else {
                assertTrue(value.getAsDouble() > 0, row.toString());
                assertTrue(cpu.getAsJsonObject().get("machine").getAsDouble() >= 0, row.toString());
            }
        }
        assertNothingLeft(a);
    }

    @Test
    void aMissingDirectoryIsExit2BeforeAnythingRuns() throws IOException {
        Path missing = a.resolve("nope");
        Result r = run(tiny(b.toString(), missing.toString()));
        assertEquals(2, r.code(), r.err());
        assertEquals("curvefs bench: " + missing + ": no such directory", r.err().strip());
        assertEquals("", r.out());
        assertNothingLeft(b);
    }

    @Test
    void badSizesAreExit2() {
        Result r = run("--items", "0", a.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("curvefs bench: --items"), r.err());
    }

    private static void assertNothingLeft(Path dir) throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the bench removes its scratch directory");
        }
    }
}
