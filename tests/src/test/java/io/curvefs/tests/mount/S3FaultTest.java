package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 3, S3 outage: with S3 stopped, fsync, close and writes that need buffer space fail with EIO
 * within a bounded time instead of hanging; acknowledged data is never read back wrong; the writing
 * mount goes on seeing what it could not flush; once S3 is back the mount works again, and everything
 * acknowledged (and what the failed fsync kept buffered) is there after a remount.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3FaultTest {
    private static final long SEED = 20261122L;
    /**
     * client.conf's data.s3.deadlineMs is 30 s; a refused connection ends the SDK's retries sooner. A
     * failure must come well before a caller would think the mount hangs.
     */
    private static final Duration FAILURE_BOUND = Duration.ofSeconds(60);
    private static final String EIO = "Input/output error";
    /** Past the mount's 1 s attr_timeout. */
    private static final long KERNEL_ATTR_EXPIRY_MS = 1500;
    /** The small write buffer of the mount that shows writers failing rather than waiting forever. */
    private static final int SMALL_BUFFER = 4 << 20;

    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(S3FaultTest.class, "s3faultfs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void withS3StoppedSyncFailsWithEioInBoundedTimeAndNothingAcknowledgedIsLost() throws Exception {
        Random random = new Random(SEED);
        byte[] acked = bytes(random, (6 << 20) + 12345);       // spans two 4 MiB block objects
        byte[] pending = bytes(random, (3 << 20) + 7);
        byte[] afterOutage = bytes(random, (5 << 20) + 3);
        try (MountedFs fs = env.mount("mnt"); MountedFs reader = env.mount("reader")) {
            writeAndSync(fs.path().resolve("acked.bin"), acked);
            env.s3.stop();
            try {
                writeUnsyncable(fs.path().resolve("pending.bin"), pending);

                byte[] cached = readOrEio(fs.path().resolve("acked.bin"), "same mount");
                if (cached != null) {
                    assertArrayEquals(acked, cached, "an acknowledged file read during the outage from the writer's cache");
                }
                assertFailsWithEio("reading acked.bin through a mount that never cached it",
                        () -> Files.readAllBytes(reader.path().resolve("acked.bin")));

                // metadata lives on the metaservers: without data to upload, nothing here needs S3
                Path dir = Files.createDirectory(fs.path().resolve("made-during-outage"));
                Files.createFile(dir.resolve("empty"));
                assertEquals(List.of("empty"), listNames(dir));
            } finally {
                env.s3.restart();
            }

            writeAndSync(fs.path().resolve("after.bin"), afterOutage);
            assertArrayEquals(acked, Files.readAllBytes(fs.path().resolve("acked.bin")));
            assertArrayEquals(acked, Files.readAllBytes(reader.path().resolve("acked.bin")),
                    "a mount whose reads failed during the outage reads again once S3 is back");
            assertEquals(0, reader.unmount(), () -> "reader's exit code; log:\n" + reader.tail());
            // the unmount flushes what the failed fsync kept buffered (README: kept for a later retry)
            assertEquals(0, fs.unmount(), () -> "writer's exit code; log:\n" + fs.tail());
        }
        try (MountedFs fs = env.mount("mnt")) {
            assertArrayEquals(acked, Files.readAllBytes(fs.path().resolve("acked.bin")), "acked.bin after a remount");
            assertArrayEquals(afterOutage, Files.readAllBytes(fs.path().resolve("after.bin")), "after.bin after a remount");
            assertArrayEquals(pending, Files.readAllBytes(fs.path().resolve("pending.bin")),
                    "the data of the failed fsync, retried once S3 was back");
            assertEquals(List.of("empty"), listNames(fs.path().resolve("made-during-outage")));
        }
    }

    @Test
    void theWritingMountGoesOnSeeingTheSizeAndBytesWhoseFsyncFailed() throws Exception {
        byte[] kept = bytes(new Random(SEED + 3), (2 << 20) + 5);
        try (MountedFs fs = env.mount("keeps")) {
            Path file = fs.path().resolve("kept.bin");
            env.s3.stop();
            try {
                writeUnsyncable(file, kept);
                // once the kernel's attributes from the writes expire, size and bytes come from the client,
                // which keeps the unflushed data for a retry: within one mount they must not go back
                Thread.sleep(KERNEL_ATTR_EXPIRY_MS);
                assertEquals(kept.length, Files.size(file), "size of a file whose data the mount still buffers");
                assertArrayEquals(kept, readDuringOutage(file), "bytes the mount still buffers, S3 still down");
            } finally {
                env.s3.restart();
            }
        }
    }

    @Test
    void withS3StoppedAWriterFailsWithEioOnceTheWriteBufferIsFull() throws Exception {
        Path conf = env.workDir.resolve("small-buffer.conf");
        Files.writeString(conf, Files.readString(env.clientConf)
                + "data.writeBuffer.bytes=" + SMALL_BUFFER + "\n"
                + "data.writeBuffer.waitMs=5000\n");
        Path mnt = env.workDir.resolve("small");
        try (MountedFs fs = MountedFs.mount(conf, env.fsName, mnt, env.workDir.resolve("logs/small.log"))) {
            byte[] block = bytes(new Random(SEED + 1), 1 << 20);
            env.s3.stop();
            try (FileChannel ch = FileChannel.open(fs.path().resolve("flood.bin"),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                assertFailsWithEio("writing 4x the write buffer with S3 stopped", () -> {
                    for (int i = 0; i < 4 * SMALL_BUFFER / block.length; i++) {
                        ch.write(ByteBuffer.wrap(block));
                    }
                });
            } catch (IOException e) {
                // the close flushes into the same outage; its EIO is expected and not what this test is about
                assertTrue(e.getMessage().contains(EIO), e::toString);
            } finally {
                env.s3.restart();
            }
            byte[] after = bytes(new Random(SEED + 2), 3 << 20);
            writeAndSync(fs.path().resolve("after-flood.bin"), after);
            assertArrayEquals(after, Files.readAllBytes(fs.path().resolve("after-flood.bin")),
                    "the write buffer drains once S3 is back and new writes go through");
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static void assertFailsWithEio(String what, IoAction action) {
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, action::run, what + " must fail, not succeed");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(String.valueOf(e.getMessage()).contains(EIO), () -> what + ": expected EIO, got " + e);
        assertTrue(took.compareTo(FAILURE_BOUND) < 0, () -> what + " took " + took + ", bound " + FAILURE_BOUND);
    }

    /** The file's bytes, or null when the read failed with EIO (within the bound); any other error fails. */
    private static byte[] readOrEio(Path file, String where) throws IOException {
        long start = System.nanoTime();
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!String.valueOf(e.getMessage()).contains(EIO) || took.compareTo(FAILURE_BOUND) >= 0) {
                fail("reading " + file + " (" + where + ") during the outage: " + e + " after " + took);
            }
            return null;
        }
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * Reads the whole file. Every close of an inode flushes what the mount buffers for it, a read-only
     * one too, so with S3 down the close may fail, with EIO and nothing else; the bytes are what counts.
     */
    private static byte[] readDuringOutage(Path file) throws IOException {
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer seen = ByteBuffer.allocate(Math.toIntExact(in.size()));
            int n;
            do {
                n = in.read(seen);
            } while (n >= 0 && seen.hasRemaining());
            return Arrays.copyOf(seen.array(), seen.position());
        } finally {
            try {
                in.close();
            } catch (IOException e) {
                assertTrue(String.valueOf(e.getMessage()).contains(EIO), () -> "close of a reader: " + e);
            }
        }
    }

    /** With S3 down: the write is buffered and succeeds, fsync and close must fail with EIO in bounded time. */
    private static void writeUnsyncable(Path file, byte[] content) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(content));
        assertFailsWithEio("fsync with S3 stopped", () -> ch.force(true));
        assertFailsWithEio("close with S3 stopped (its flush)", ch::close);
    }

    private static void writeAndSync(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
