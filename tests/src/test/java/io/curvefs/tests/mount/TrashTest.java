package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, Show 3: a deleted file's objects stay in the bucket until the trash retention (short here)
 * has passed, then the metaserver reclaims them and the bucket is back to its baseline; meanwhile a file
 * deleted while open stays readable through its descriptor, on the mount that deleted it and on another,
 * and is reclaimed after all when the mount holding it dies.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TrashTest {
    private static final int RETENTION_SEC = 15;
    private static final int MIB = 1 << 20;
    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(TrashTest.class, "trashfs", Map.of("metaserver.trash.scanIntervalMs", "500"),
                "--trash-retention-sec", Integer.toString(RETENTION_SEC));
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void deletedFilesKeepTheirObjectsUntilTheRetentionAndOpenOnesStayReadable() throws Exception {
        long baseline = objects();
        Random random = new Random(4);
        try (MountedFs a = env.mount("a"); MountedFs b = env.mount("b")) {
            Path big = a.path().resolve("big");
            writeMib(big, random, 100);
            byte[] heldBytes = bytes(random, 3 * MIB + 17);
            Files.write(a.path().resolve("held"), heldBytes);
            byte[] mineBytes = bytes(random, 2 * MIB + 5);
            Files.write(a.path().resolve("mine"), mineBytes);
            assertTrue(Waiting.until(() -> Files.exists(b.path().resolve("held"))), "b sees a's file");
            long withFiles = objects();
            assertTrue(withFiles >= baseline + 100 / 4, "100 MiB are at least 25 objects of 4 MiB: " + withFiles);

            long deletedAt;
            try (FileChannel onB = FileChannel.open(b.path().resolve("held"), StandardOpenOption.READ);
                 FileChannel onA = FileChannel.open(a.path().resolve("mine"), StandardOpenOption.READ)) {
                deletedAt = System.nanoTime();
                Files.delete(big);
                Files.delete(a.path().resolve("held"));
                Files.delete(a.path().resolve("mine"));
                assertTrue(Waiting.until(() -> !Files.exists(b.path().resolve("held"))), "the name is gone on b too");

                assertArrayEquals(heldBytes, readAll(onB, heldBytes.length), "another mount reads a deleted file it holds open");
                assertArrayEquals(mineBytes, readAll(onA, mineBytes.length), "the deleting mount reads a file it holds open");
                assertEquals(withFiles, objects(), "no object goes before the retention");
                assertTrue(System.nanoTime() - deletedAt < TimeUnit.SECONDS.toNanos(RETENTION_SEC - 2),
                        "the checks above ran within the retention, so they prove something");
            }
            // "mine" enters the trash at its last close on a, with the time its name went
            assertTrue(Waiting.until(TimeUnit.SECONDS.toMillis(RETENTION_SEC + 90), () -> objects() == baseline),
                    () -> "the bucket is back to its " + baseline + " objects after the retention, not " + objects());
            long waitedSec = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - deletedAt);
            // dtime has second granularity, so the reclaim may come up to a second early
            assertTrue(waitedSec >= RETENTION_SEC - 1, "reclaimed after " + waitedSec + " s, before the retention");
            assertEquals(0, b.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + b.tail());
            assertEquals(0, a.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + a.tail());
        }
    }

    /**
     * A file deleted while open stays out of the trash for as long as its mount holds it, even past the
     * retention; when that mount's process dies instead of closing it, the metaserver puts it in the trash
     * once the dead mount's session is gone (here: taken over by a remount at the same path), so its
     * objects are reclaimed rather than leaked.
     */
    @Test
    void aFileKeptOpenByAMountThatDiesIsReclaimedAfterAll() throws Exception {
        long baseline = objects();
        byte[] keptBytes = bytes(new Random(7), 5 * MIB + 3);
        try (MountedFs dying = env.mount("dying")) {
            Path kept = dying.path().resolve("kept");
            Files.write(kept, keptBytes);
            long withFile = objects();
            assertTrue(withFile > baseline, "the file has objects");
            FileChannel held = FileChannel.open(kept, StandardOpenOption.READ);
            try {
                Files.delete(kept);
                Thread.sleep(TimeUnit.SECONDS.toMillis(RETENTION_SEC + 5));
                assertArrayEquals(keptBytes, readAll(held, keptBytes.length), "held past the retention, still readable");
                assertEquals(withFile, objects(), "nothing of a held file is reclaimed");
                dying.kill();
            } finally {
                closeQuietly(held);
            }
            Process umount = new ProcessBuilder("umount", dying.path().toString()).inheritIO().start();
            assertTrue(umount.waitFor(60, TimeUnit.SECONDS), "umount finishes");
            assertEquals(0, umount.exitValue(), "umount of the dead mount");
        }
        try (MountedFs successor = env.mount("dying")) {
            assertTrue(Waiting.until(TimeUnit.SECONDS.toMillis(90), () -> objects() == baseline),
                    () -> "the dead mount's kept file was reclaimed: " + objects() + " objects, baseline " + baseline);
            assertEquals(0, successor.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + successor.tail());
        }
    }

    /** Closing a descriptor of a dead FUSE mount may fail; the kernel drops it either way. */
    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // expected when the daemon is gone
        }
    }

    private static long objects() {
        return env.s3.objectCount(env.s3.bucket());
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static void writeMib(Path file, Random random, int mib) throws IOException {
        byte[] buffer = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(buffer);
                out.write(buffer);
            }
        }
    }

    /** Reads by offset only: no fstat, which libfuse 2 resolves by path (and the path is gone). */
    private static byte[] readAll(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) <= 0) {
                break;
            }
        }
        return buffer.array();
    }
}
