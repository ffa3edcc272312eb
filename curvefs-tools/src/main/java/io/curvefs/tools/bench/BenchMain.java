package io.curvefs.tools.bench;

import io.curvefs.tools.OutputFormat;
import io.curvefs.tools.SizeConverter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code curvefs bench [options] DIR...}: the workloads of DESIGN.md §8 on each directory, taking turns (a
 * mount and a local disk, say), figures side by side, with the CPU each cost every CurveFS process here. Figures only, no verdict. Exit 2 for bad
 * arguments or an unusable directory (found before anything runs), 1 when a workload fails.
 */
@Command(name = "curvefs bench", mixinStandardHelpOptions = true, sortOptions = false, version = "curvefs bench 0.1.0",
        description = "Prints metadata ops/s and data throughput for each DIR (e.g. a mount and a local directory).")
public final class BenchMain implements Callable<Integer> {
    static final int USAGE = 2;
    static final int FAILED = 1;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "directories to measure, in the columns' order")
    private List<Path> dirs;

    @Option(names = "--items", paramLabel = "N", description = "metadata items per thread (default 2000; --quick: 50)")
    private Integer items;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "threads of the multi-thread workloads (default 4)")
    private int threads;

    @Option(names = "--size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "sequential file size, e.g. 1GiB (default; --quick: 32MiB)")
    private Long size;

    @Option(names = "--random-ops", paramLabel = "N", description = "4 KiB random reads and writes each (default 20000; --quick: 200)")
    private Integer randomOps;

    @Option(names = "--quick", description = "small sizes: a run on a mount takes well under a minute")
    private boolean quick;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "write a CPU profile of every CurveFS process on this host for the run into DIR")
    private Path profile;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "output format (default table)")
    private OutputFormat format;

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        BenchMain bench = new BenchMain();
        bench.out = out;
        bench.err = err;
        CommandLine cli = new CommandLine(bench);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("curvefs bench: " + e.getMessage() + " (see 'curvefs bench --help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            err.println("curvefs bench: " + e.getMessage());
            return FAILED;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() throws Exception {
        BenchParams params;
        try {
            params = new BenchParams(items != null ? items : quick ? 50 : 2000, threads,
                    size != null ? size : quick ? 32L << 20 : 1L << 30,
                    randomOps != null ? randomOps : quick ? 200 : 20_000);
        } catch (IllegalArgumentException e) {
            err.println("curvefs bench: " + e.getMessage());
            return USAGE;
        }
        List<String> problems = new ArrayList<>();
        dirs.forEach(d -> checkUsable(d).ifPresent(problems::add));
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("curvefs bench: " + p));
            return USAGE;
        }

        Caches caches = new Caches();
        List<Chain> chains = Workloads.all(params);
        List<String> notes = new ArrayList<>(List.of(params.describe(), caches.note(),
                "writes end with fsync; multi-thread workloads use one directory per thread"));
        BenchRunner runner = new BenchRunner(params, chains, caches, err);
        List<Optional<CurveFuseProcess>> clients = new ArrayList<>();
        boolean anyClient = false;
        for (Path dir : dirs) {
            Optional<CurveFuseProcess> client = CurveFuseProcess.serving(dir);
            if (client.isPresent()) {
                anyClient = true;
                notes.add(client.get().mountpoint() + " is served by curve-fuse pid " + client.get().pid()
                        + "; its own block cache is not dropped before reads");
            }
            clients.add(client);
        }
        if (!anyClient) {
            notes.add("client RSS is measured only on a CurveFS mount whose curve-fuse runs on this host");
        }
        notes.add("directories take turns chain by chain (meta, parallel, small, sequential): the first one goes "
                + "first in the meta and small chains, last in the others");
        notes.add("CPU: ms per unit of the row (per op, file, MiB or I/O) from /proc of the CurveFS processes on "
                + "this host (client = the mount of that directory) and the machine's busy time (steal excluded)");
        BenchRunner.Results results;
        if (profile != null) {
            Profiler profiler = Profiler.start(profile, new CpuMeter(Optional.empty()).processes());
            try {
                results = runner.run(dirs, clients);
            } finally {
                profiler.close();
            }
            notes.addAll(profiler.notes());
        } else {
            results = runner.run(dirs, clients);
        }
        Report report = new Report(dirs, chains.stream().flatMap(c -> c.workloads().stream()).toList(),
                results.figures(), results.cpu(), notes);
        if (format == OutputFormat.JSON) {
            report.printJson(out);
        } else {
            report.printTable(out);
        }
        return 0;
    }

    /** Why a directory cannot be measured, found before any workload runs on any directory. */
    private static Optional<String> checkUsable(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.of(dir + ": no such directory");
        }
        Path probe = BenchRunner.root(dir);
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(dir + ": not writable (" + e + ")");
        }
    }
}
