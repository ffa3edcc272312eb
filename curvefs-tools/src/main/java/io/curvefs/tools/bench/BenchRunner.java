package io.curvefs.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Runs every chain in DIR/.curvefs-bench-&lt;pid&gt;/&lt;chain&gt;, reporting each figure on the progress
 * stream as it comes, and removes what it wrote whatever happens.
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

    /** The figures of every workload, in the order of the chains. */
    double[] run(Path dir, Optional<CurveFuseProcess> client) throws Exception {
        double[] figures = new double[chains.stream().mapToInt(c -> c.workloads().size()).sum()];
        RandomBytes data = new RandomBytes(dir.toString().hashCode());
        Path root = Files.createDirectory(root(dir));
        try {
            int row = 0;
            for (Chain chain : chains) {
                Scratch scratch = new Scratch(Files.createDirectory(root.resolve(chain.dirName())), params, caches,
                        data, client);
                try {
                    for (Workload w : chain.workloads()) {
                        try {
                            figures[row] = w.body().run(scratch);
                        } catch (Exception e) {
                            // one line naming where it failed; the cause's class tells what (NoSuchFile, EIO...)
                            throw new IOException(dir + ": " + w.name() + ": " + e, e);
                        }
                        progress.printf("%s: %s: %s%n", dir, w.name(), Double.isNaN(figures[row]) ? "n/a"
                                : Report.figure(figures[row]) + " " + w.unit());
                        row++;
                    }
                } finally {
                    deleteTree(scratch.dir);
                }
            }
        } finally {
            deleteTree(root);
        }
        return figures;
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
