package io.curvefs.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every chain in DIR/.curvefs-bench-&lt;pid&gt;/&lt;chain&gt; of every directory, chain by chain with the
 * directories taking turns (the first goes first in odd chains, last in even ones), so that no column
 * runs its metadata rows while the cluster is still busy with another column's data rows. Reports each
 * figure on the progress stream as it comes, and removes what it wrote whatever happens.
 */
final class BenchRunner {
    private final BenchParams params;
    private final List<Chain> chains;
    private final Caches caches;
    private final PrintWriter progress;

    BenchRunner(BenchParams params, List<Chain> chains, Caches caches, PrintWriter progress) {
        this.params = params;
        this.chains = chains;
        this.caches = caches;
        this.progress = progress;
    }

    static Path root(Path dir) {
        return dir.resolve(".curvefs-bench-" + ProcessHandle.current().pid());
    }

    /** Figures and CPU of every directory, workloads in the order of the chains. */
    record Results(double[][] figures, List<List<Map<String, Double>>> cpu) {
    }

    /** {@code clients.get(d)}: the curve-fuse serving {@code dirs.get(d)}, if any. */
    Results run(List<Path> dirs, List<Optional<CurveFuseProcess>> clients) throws Exception {
        int rows = chains.stream().mapToInt(c -> c.workloads().size()).sum();
        double[][] figures = new double[dirs.size()][rows];
        List<List<Map<String, Double>>> cpu = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        List<RandomBytes> data = new ArrayList<>();
        for (Path dir : dirs) {
            List<Map<String, Double>> column = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                column.add(null);
            }
            cpu.add(column);
            data.add(new RandomBytes(dir.toString().hashCode()));
        }
        try {
            for (Path dir : dirs) {
                roots.add(Files.createDirectory(root(dir)));
            }
            int first = 0;
            for (int c = 0; c < chains.size(); c++) {
                for (int k = 0; k < dirs.size(); k++) {
                    int d = c % 2 == 0 ? k : dirs.size() - 1 - k;
                    runChain(chains.get(c), first, dirs.get(d), roots.get(d), data.get(d), clients.get(d),
                            figures[d], cpu.get(d));
                }
                first += chains.get(c).workloads().size();
            }
        } finally {
            for (Path root : roots) {
                deleteTree(root);
            }
        }
        return new Results(figures, cpu);
    }

    private void runChain(Chain chain, int firstRow, Path dir, Path root, RandomBytes data,
                          Optional<CurveFuseProcess> client, double[] figures, List<Map<String, Double>> cpu)
            throws Exception {
        Scratch scratch = new Scratch(Files.createDirectory(root.resolve(chain.dirName())), params, caches, data,
                client);
        try {
            int row = firstRow;
            for (Workload w : chain.workloads()) {
                try {
                    figures[row] = w.body().run(scratch);
                } catch (Exception e) {
                    // one line naming where it failed; the cause's class tells what (NoSuchFile, EIO...)
                    throw new IOException(dir + ": " + w.name() + ": " + e, e);
                }
                cpu.set(row, scratch.takeCpu());
                progress.printf("%s: %s: %s%n", dir, w.name(), Double.isNaN(figures[row]) ? "n/a"
                        : Report.figure(figures[row]) + " " + w.unit());
                row++;
            }
        } finally {
            deleteTree(scratch.dir);
        }
    }

    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
