package io.curvefs.tests.mount;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.tests.cluster.LocalCluster;
import io.curvefs.tests.meta.MetaFs;
import io.curvefs.tests.meta.TreeCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, show 2: two mounts of one file system rename files and directories at random for a minute,
 * within and across directories, over a shared tree. Partitions are tiny (16 ids), so the tree spreads
 * over many partitions and many moves across directories are rename transactions (the test counts those
 * whose directories live in different partitions). Every move goes to a
 * fresh name, so no rename replaces anything: afterwards the files (by inode number and content) are
 * exactly those created, each once, the directories too, and the tree walk finds every entry, link
 * count and parent list consistent and no inode unreachable.
 */
class RenameConcurrencyTest {
    private static final long IDS_PER_PARTITION = 16;
    private static final int TOP_DIRS = 6;
    private static final int SUBDIRS = 2;
    private static final int FILES_PER_DIR = 3;
    private static final int THREADS_PER_MOUNT = 2;
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Duration RUN_LIMIT = RUN.plusMinutes(3);
    /** Far below what a minute gives on a slow machine, far above zero. */
    private static final int MIN_MOVES_ACROSS = 100;
    private static final int MIN_MOVES_ACROSS_PARTITIONS = 30;
    private static final long SEED = 20261122L;

    private final AtomicInteger moved = new AtomicInteger();
    private final AtomicInteger movedAcross = new AtomicInteger();
    /** The directories (from, to) of each move across directories, by inode number. */
    private final List<long[]> acrossDirs = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

    @Test
    void twoMountsRenamingAtRandomLoseAndDuplicateNothing() throws Exception {
        LocalCluster.Options defaults = LocalCluster.Options.defaults();
        LocalCluster.Options tiny = new LocalCluster.Options(defaults.mdsCount(), defaults.metaserverCount(),
                IDS_PER_PARTITION, Map.of(), Map.of());
        try (MountCluster env = MountCluster.start(RenameConcurrencyTest.class, "renamefs", tiny)) {
            Map<Long, String> files;
            Set<Long> dirs;
            long unreachable;
            try (MountedFs m1 = env.mount("m1"); MountedFs m2 = env.mount("m2")) {
                files = populate(m1.path());
                dirs = directories(m1.path());
                try (MetaFs fs = MetaFs.open(env.cluster, env.fsName)) {
                    MetaClient meta = fs.meta();
                    unreachable = TreeCheck.unreachable(meta, TreeCheck.check(meta));
                    assertTrue(dirs.stream().map(meta::partitionOf).distinct().count() > 2,
                            "the directories spread over partitions");
                }
                renameAtRandom(List.of(m1.path(), m2.path()));
                assertEquals(0, m1.unmount(), () -> "m1 exit code; log:\n" + m1.tail());
                assertEquals(0, m2.unmount(), () -> "m2 exit code; log:\n" + m2.tail());
            }
            assertEquals(List.of(), failures, "renames failed other than by losing a race");
            assertTrue(movedAcross.get() >= MIN_MOVES_ACROSS, "moves across directories: " + movedAcross
                    + " of " + moved);

            try (MountedFs checker = env.mount("checker")) {
                assertEquals(files, files(checker.path()), "files by inode and content");
                assertEquals(dirs, directories(checker.path()), "directories by inode");
                acrossPartitionsCounted(env);
                // the renames left many names whose inode lives in another partition: each of their
                // removals is a transaction, and all of them together must leave no inode behind
                removeAll(checker.path());
                assertEquals(0, checker.unmount(), () -> "checker exit code; log:\n" + checker.tail());
            }
            try (MetaFs fs = MetaFs.open(env.cluster, env.fsName)) {
                TreeCheck.Tree tree = TreeCheck.check(fs.meta());
                assertEquals(1, tree.inodes().size(), "only the root is left");
                assertEquals(unreachable, TreeCheck.unreachable(fs.meta(), tree), "inodes nobody can reach");
                assertEquals(List.of(), TreeCheck.openTransactions(fs.meta()), "transactions left open");
            }
        }
    }

    private void acrossPartitionsCounted(MountCluster env) {
        try (MetaFs fs = MetaFs.open(env.cluster, env.fsName)) {
            long acrossPartitions = acrossDirs.stream()
                    .filter(pair -> fs.meta().partitionOf(pair[0]) != fs.meta().partitionOf(pair[1])).count();
            assertTrue(acrossPartitions >= MIN_MOVES_ACROSS_PARTITIONS, "rename transactions: " + acrossPartitions);
        }
    }

    /** rm -rf of everything under the mount's root, deepest first. */
    private static void removeAll(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(p -> !p.equals(root)).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.delete(p);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "entries left under the root");
        }
    }

    /** The shared tree: directories t*, each with subdirectories s*, every directory with a few files. */
    private static Map<Long, String> populate(Path root) throws IOException {
        int n = 0;
        for (int t = 0; t < TOP_DIRS; t++) {
            Path top = Files.createDirectory(root.resolve("t" + t));
            List<Path> here = new ArrayList<>(List.of(top));
            for (int s = 0; s < SUBDIRS; s++) {
                here.add(Files.createDirectory(top.resolve("s" + s)));
            }
            for (Path dir : here) {
                for (int f = 0; f < FILES_PER_DIR; f++) {
                    Files.writeString(dir.resolve("f" + n), "content of file " + n + "\n");
                    n++;
                }
            }
        }
        return files(root);
    }

    private void renameAtRandom(List<Path> mounts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(mounts.size() * THREADS_PER_MOUNT);
        try {
            long end = System.nanoTime() + RUN.toNanos();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < mounts.size() * THREADS_PER_MOUNT; w++) {
                Path root = mounts.get(w % mounts.size());
                int worker = w;
                workers.add(pool.submit(() -> work(root, worker, end)));
            }
            long limit = System.nanoTime() + RUN_LIMIT.toNanos();
            for (Future<?> f : workers) {
                f.get(Math.max(1, limit - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Moves random entries to fresh names in random directories until {@code end}. */
    private void work(Path root, int worker, long end) {
        Random random = new Random(SEED + worker);
        for (int n = 0; System.nanoTime() < end; n++) {
            try {
                Path src = randomEntry(root, random, false);
                Path dstDir = randomEntry(root, random, true);
                if (src == null || dstDir == null) {
                    continue;
                }
                long from = ino(src.getParent());
                long to = ino(dstDir);
                Files.move(src, dstDir.resolve("w" + worker + "-" + n), StandardCopyOption.ATOMIC_MOVE);
                moved.incrementAndGet();
                if (from != to) {
                    movedAcross.incrementAndGet();
                    acrossDirs.add(new long[] {from, to});
                }
            } catch (NoSuchFileException | UncheckedIOException e) {
                // another worker moved a name on the way first
            } catch (FileSystemException e) {
                if (!String.valueOf(e.getReason()).contains("Invalid argument")) {
                    failures.add(e); // EINVAL is a directory moved into its own subtree: refused, rightly
                }
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** A random walk down from the root: an entry of any kind, or (dirsOnly) a directory, maybe the root. */
    private static Path randomEntry(Path root, Random random, boolean dirsOnly) throws IOException {
        Path at = root;
        while (true) {
            List<Path> children = new ArrayList<>();
            try (Stream<Path> list = Files.list(at)) {
                list.filter(p -> !dirsOnly || Files.isDirectory(p)).forEach(children::add);
            }
            if (children.isEmpty()) {
                return dirsOnly || at != root ? at : null;
            }
            Path child = children.get(random.nextInt(children.size()));
            boolean descend = Files.isDirectory(child) && random.nextInt(3) > 0;
            if (!descend) {
                return dirsOnly && random.nextBoolean() ? at : child;
            }
            at = child;
        }
    }

    private static long ino(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino");
    }

    /** Every regular file under the root by inode number, each seen once. */
    private static Map<Long, String> files(Path root) throws IOException {
        Map<Long, String> out = new HashMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p)) {
                    assertNull(out.put(ino(p), Files.readString(p)),
                            "a file under two names: " + p);
                }
            }
        }
        return out;
    }

    private static Set<Long> directories(Path root) throws IOException {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p) && !p.equals(root)) {
                    assertTrue(out.add(ino(p)), "a directory twice: " + p);
                }
            }
        }
        return out;
    }
}
