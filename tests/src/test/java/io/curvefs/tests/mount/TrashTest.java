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
 * deleted while open stays readable through its descriptor, on the mount that deleted it and on another.
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
