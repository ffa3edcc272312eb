package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3, Show 5: after a session of writes, overwrites, truncates, hard links, renames over files,
 * unlinks and rm -rf, and an unmount and remount, the bucket holds exactly the objects that the chunk
 * infos of the existing files reference: deleted files leave nothing behind, live files lack nothing.
 * Deleted files' objects go when the metaservers empty the trash, so this fs keeps them only a second
 * (TrashTest shows the retention itself); so do the objects compaction replaces (the truncated file's
 * chunk is compacted), which CompactionTest shows in detail.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BucketAccountingTest {
    private static final long SEED = 20261122L;
    private static final long RECLAIM_WAIT_MS = 60_000;
    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(BucketAccountingTest.class, "bucketfs",
                Map.of("metaserver.trash.scanIntervalMs", "500", "metaserver.compaction.deleteGraceSec", "1"),
                "--trash-retention-sec", "1");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void bucketHoldsExactlyTheReferencedObjects() throws Exception {
        Random random = new Random(SEED);
        try (MountedFs fs = env.mount("writer")) {
            Path root = fs.path();
            Path keep = Files.createDirectories(root.resolve("keep"));
            Path gone = Files.createDirectories(root.resolve("gone/deeper"));
            for (int i = 0; i < 6; i++) {
                write(keep.resolve("k" + i), random, 1 + random.nextInt(9 << 20));
                write(gone.resolve("g" + i), random, 1 + random.nextInt(6 << 20));
            }
            write(root.resolve("unlinked"), random, 5 << 20);
            write(root.resolve("replaced"), random, 3 << 20);
            write(root.resolve("replacement"), random, 2 << 20);
            overwrite(keep.resolve("k0"), random, 100_000, 300_000);
            try (RandomAccessFile f = new RandomAccessFile(keep.resolve("k1").toFile(), "rw")) {
                f.setLength(1000);
            }
            Files.createLink(root.resolve("link-of-k2"), keep.resolve("k2"));
            Files.delete(keep.resolve("k2")); // the data lives on under the other name

            Files.delete(root.resolve("unlinked"));
            Files.move(root.resolve("replacement"), root.resolve("replaced"), StandardCopyOption.REPLACE_EXISTING);
            assertEquals(0, run("rm", "-rf", root.resolve("gone").toString()));
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
        try (MountedFs fs = env.mount("checker"); BucketAccounting bucket = BucketAccounting.open(env)) {
            List<Long> inodes = new ArrayList<>();
            try (Stream<Path> files = Files.walk(fs.path())) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        inodes.add((Long) Files.getAttribute(p, "unix:ino"));
                    }
                }
            }
            assertEquals(5 + 2, inodes.size(), "k0..k5 but k2, link-of-k2, replaced: " + inodes);
            Set<String> referenced = bucket.referencedBy(inodes);
            assertFalse(referenced.isEmpty());
            // the metaservers reclaim deleted files in the background, a second after their deletion
            Set<String> unreferenced = new TreeSet<>();
            Waiting.until(RECLAIM_WAIT_MS, () -> {
                unreferenced.clear();
                try {
                    unreferenced.addAll(bucket.stored());
                } catch (IOException e) {
                    unreferenced.add("(listing failed: " + e.getMessage() + ")");
                }
                unreferenced.removeAll(referenced);
                return unreferenced.isEmpty();
            });
            Set<String> stored = bucket.stored();
            Set<String> missing = new TreeSet<>(referenced);
            missing.removeAll(stored);
            assertTrue(unreferenced.isEmpty(), () -> unreferenced.size() + " objects nothing references (seed "
                    + SEED + ") " + RECLAIM_WAIT_MS + " ms after the deletions: " + unreferenced);
            assertTrue(missing.isEmpty(), () -> missing.size() + " referenced objects are missing (seed " + SEED
                    + "): " + missing);
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static void overwrite(Path file, Random random, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s");
        }
        return p.exitValue();
    }
}
