package io.curvefs.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.curvefs.tools.bench.BenchParams.RANDOM_IO_BYTES;
import static io.curvefs.tools.bench.BenchParams.SEQUENTIAL_IO_BYTES;
import static io.curvefs.tools.bench.BenchParams.SMALL_FILE_BYTES;

/**
 * The workloads of DESIGN.md §8, as plain system calls through the JDK: metadata operations with N items
 * per thread, 128 KiB files, a sequential file with 1 MiB I/O and 4 KiB random I/O inside it. Data
 * writes end with fsync (like fio's end_fsync), so a local disk is not measured at page-cache speed
 * while a mount, whose close uploads, is measured at network speed.
 */
final class Workloads {
    private static final String OPS = "ops/s";
    private static final double MIB = 1 << 20;
    /** readdir lists the mkdir directory this many entries' worth in all, so that a pass is not too short to time. */
    private static final int READDIR_ENTRIES = 10_000;

    private Workloads() {
    }

    static List<Chain> all(BenchParams p) {
        String threads = p.threads() + (p.threads() == 1 ? " thread" : " threads");
        return List.of(
                new Chain("meta",
                        new Workload("create, 1 thread", OPS, s -> each(s, Files.createDirectory(s.dir.resolve("f")),
                                (dir, i) -> Files.createFile(dir.resolve("f" + i)))),
                        new Workload("open, 1 thread", OPS, s -> each(s, s.dir.resolve("f"),
                                (dir, i) -> FileChannel.open(dir.resolve("f" + i)).close())),
                        new Workload("rename, 1 thread", OPS, s -> each(s, s.dir.resolve("f"),
                                (dir, i) -> Files.move(dir.resolve("f" + i), dir.resolve("r" + i)))),
                        new Workload("unlink, 1 thread", OPS, s -> each(s, s.dir.resolve("f"),
                                (dir, i) -> Files.delete(dir.resolve("r" + i)))),
                        new Workload("mkdir, 1 thread", OPS, s -> each(s, Files.createDirectory(s.dir.resolve("d")),
                                (dir, i) -> Files.createDirectory(dir.resolve("d" + i)))),
                        new Workload("readdir", "entries/s", Workloads::readdir),
                        new Workload("rmdir, 1 thread", OPS, s -> each(s, s.dir.resolve("d"),
                                (dir, i) -> Files.delete(dir.resolve("d" + i))))),
                new Chain("parallel",
                        new Workload("create, " + threads, OPS, s -> parallel(s, true,
                                (dir, i) -> Files.createFile(dir.resolve("f" + i)))),
                        new Workload("stat, " + threads, OPS, s -> parallel(s, false,
                                (dir, i) -> Files.readAttributes(dir.resolve("f" + i), BasicFileAttributes.class)))),
                new Chain("small",
                        new Workload("128 KiB files write, 1 thread", "files/s", Workloads::smallWrite),
                        new Workload("128 KiB files read, 1 thread", "files/s", Workloads::smallRead)),
                new Chain("sequential",
                        new Workload("sequential write, 1 MiB I/O", "MiB/s", Workloads::sequentialWrite),
                        new Workload("client RSS while writing sequentially", "MiB", s -> s.clientPeakRssMiB),
                        new Workload("sequential read, 1 MiB I/O", "MiB/s", Workloads::sequentialRead),
                        new Workload("4 KiB random write", "IOPS", Workloads::randomWrite),
                        new Workload("4 KiB random read", "IOPS", Workloads::randomRead)));
    }

    @FunctionalInterface
    private interface ItemOp {
        void apply(Path dir, int item) throws IOException;
    }

    @FunctionalInterface
    private interface Timed {
        void run() throws Exception;
    }

    /**
     * Runs the body and returns {@code count} per second of its duration; the CPU the CurveFS processes
     * and the machine spent meanwhile goes into the scratch, per unit of count.
     */
    private static double rate(Scratch s, double count, Timed body) throws Exception {
        Map<String, Double> cpuBefore = s.cpu.snapshot();
        long start = System.nanoTime();
        body.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        s.cpuPerUnit = CpuMeter.perUnit(cpuBefore, s.cpu.snapshot(), count);
        return count / seconds;
    }

    private static double each(Scratch s, Path dir, ItemOp op) throws Exception {
        int items = s.params.items();
        return rate(s, items, () -> {
            for (int i = 0; i < items; i++) {
                op.apply(dir, i);
            }
        });
    }

    /**
     * Each thread works in a directory of its own (like mdtest -u): the kernel serialises creates in one
     * directory, and that would measure its lock rather than the file system.
     */
    private static double parallel(Scratch s, boolean createDirs, ItemOp op) throws Exception {
        int threads = s.params.threads();
        int items = s.params.items();
        List<Path> dirs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Path dir = s.dir.resolve("t" + t);
            dirs.add(createDirs ? Files.createDirectory(dir) : dir);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Path dir : dirs) {
                done.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < items; i++) {
                        op.apply(dir, i);
                    }
                    return null;
                }));
            }
            ready.await();
            return rate(s, (double) threads * items, () -> {
                go.countDown();
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static double readdir(Scratch s) throws Exception {
        Path dir = s.dir.resolve("d");
        int passes = Math.max(1, READDIR_ENTRIES / s.params.items());
        long[] seen = {0};
        double rate = rate(s, (double) passes * s.params.items(), () -> {
            for (int pass = 0; pass < passes; pass++) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    entries.forEach(e -> seen[0]++);
                }
            }
        });
        expect(seen[0], (long) passes * s.params.items(), "entries listed in " + dir);
        return rate;
    }

    private static double smallWrite(Scratch s) throws Exception {
        return each(s, s.dir, (dir, i) -> {
            try (FileChannel ch = FileChannel.open(dir.resolve("s" + i), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writeFully(ch, s.data.next(SMALL_FILE_BYTES), 0);
                ch.force(false);
            }
        });
    }

    private static double smallRead(Scratch s) throws Exception {
        s.caches.drop();
        ByteBuffer buffer = ByteBuffer.allocateDirect(SMALL_FILE_BYTES);
        return each(s, s.dir, (dir, i) -> {
            try (FileChannel ch = FileChannel.open(dir.resolve("s" + i))) {
                expect(readFully(ch, buffer, 0), SMALL_FILE_BYTES, "bytes read from " + dir.resolve("s" + i));
            }
        });
    }

    private static Path sequentialFile(Scratch s) {
        return s.dir.resolve("sequential");
    }

    private static double sequentialWrite(Scratch s) throws Exception {
        long size = s.params.fileBytes();
        CurveFuseProcess.RssSampler rss = s.client.map(CurveFuseProcess::sampleRss).orElse(null);
        try {
            return rate(s, size / MIB, () -> {
                try (FileChannel ch = FileChannel.open(sequentialFile(s), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    for (long pos = 0; pos < size; pos += SEQUENTIAL_IO_BYTES) {
                        writeFully(ch, s.data.next((int) Math.min(SEQUENTIAL_IO_BYTES, size - pos)), pos);
                    }
                    ch.force(false);
                }
            });
        } finally {
            if (rss != null) {
                rss.close();
                s.clientPeakRssMiB = rss.peakMiB();
            }
        }
    }

    private static double sequentialRead(Scratch s) throws Exception {
        s.caches.drop();
        long size = s.params.fileBytes();
        ByteBuffer buffer = ByteBuffer.allocateDirect(SEQUENTIAL_IO_BYTES);
        long[] total = {0};
        double rate = rate(s, size / MIB, () -> {
            try (FileChannel ch = FileChannel.open(sequentialFile(s))) {
                int n;
                while ((n = readFully(ch, buffer, total[0])) > 0) {
                    total[0] += n;
                }
            }
        });
        expect(total[0], size, "bytes read from " + sequentialFile(s));
        return rate;
    }

    private static double randomWrite(Scratch s) throws Exception {
        int ops = s.params.randomOps();
        long size = s.params.fileBytes();
        try (FileChannel ch = FileChannel.open(sequentialFile(s), StandardOpenOption.WRITE)) {
            return rate(s, ops, () -> {
                for (int i = 0; i < ops; i++) {
                    writeFully(ch, s.data.next(RANDOM_IO_BYTES), s.data.offset(size, RANDOM_IO_BYTES));
                }
                ch.force(false);
            });
        }
    }

    private static double randomRead(Scratch s) throws Exception {
        s.caches.drop();
        int ops = s.params.randomOps();
        long size = s.params.fileBytes();
        ByteBuffer buffer = ByteBuffer.allocateDirect(RANDOM_IO_BYTES);
        try (FileChannel ch = FileChannel.open(sequentialFile(s))) {
            return rate(s, ops, () -> {
                for (int i = 0; i < ops; i++) {
                    long offset = s.data.offset(size, RANDOM_IO_BYTES);
                    expect(readFully(ch, buffer, offset), RANDOM_IO_BYTES, "bytes read at " + offset);
                }
            });
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer data, long position) throws IOException {
        while (data.hasRemaining()) {
            position += ch.write(data, position);
        }
    }

    /** Fills the buffer from position on, short only at the end of the file; returns the bytes read. */
    private static int readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        buffer.clear();
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        return buffer.position();
    }

    /** A figure for work that was not all done would flatter: a short read is a failure. */
    private static void expect(long actual, long expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException(what + ": " + actual + ", expected " + expected);
        }
    }
}
