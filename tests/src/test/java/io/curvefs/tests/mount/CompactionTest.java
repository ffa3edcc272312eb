package io.curvefs.tests.mount;

import io.curvefs.proto.metaserver.S3ChunkInfoList;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, Show 5: 1,000 random 4 KiB overwrites of a 64 MiB file, each fsynced (so each is a chunk info
 * of its own), are compacted by the metaservers in the background: afterwards the file's chunk has at
 * most the threshold of infos, the same content as a local model, and once the grace delay has passed the
 * bucket holds exactly the objects those infos name. Invisible to readers: a handle on a second mount,
 * opened before the last compaction and reading the whole file again and again while it runs and while
 * the replaced objects are deleted, always reads the model's bytes (its cached infos name deleted objects
 * then, so it must reload them; its memory cache is one block, so it really goes to S3).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CompactionTest {
    private static final long DEFAULT_SEED = 20261122L;
    private static final long SEED = Long.getLong("curvefs.test.seed", DEFAULT_SEED);
    private static final int THRESHOLD = 20;
    private static final int GRACE_SEC = 3;
    private static final int SIZE = 64 << 20;
    private static final int IO = 4096;
    private static final int OVERWRITES = 1000;
    private static final long COMPACTION_WAIT_MS = 120_000;
    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(CompactionTest.class, "compactfs", Map.of(
                "metaserver.compaction.intervalMs", "1000",
                "metaserver.compaction.fragmentThreshold", String.valueOf(THRESHOLD),
                "metaserver.compaction.deleteGraceSec", String.valueOf(GRACE_SEC)));
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void fragmentedChunksAreCompactedInvisiblyAndTheirOldObjectsGo() throws Exception {
        String note = "seed " + SEED + " (-Dcurvefs.test.seed=" + SEED + ")";
        Random random = new Random(SEED);
        byte[] model = new byte[SIZE];
        random.nextBytes(model);
        try (MountedFs writer = env.mount("writer");
             MountedFs readerMount = env.mount("reader", Map.of("data.blockCache.bytes", Integer.toString(4 << 20)));
             BucketAccounting bucket = BucketAccounting.open(env)) {
            Path file = writer.path().resolve("big");
            Files.write(file, model);
            long ino = (Long) Files.getAttribute(file, "unix:ino");
            int most = 0;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                byte[] bytes = new byte[IO];
                for (int i = 0; i < OVERWRITES; i++) {
                    int off = random.nextInt(SIZE - IO + 1);
                    random.nextBytes(bytes);
                    System.arraycopy(bytes, 0, model, off, IO);
                    writeFully(ch, ByteBuffer.wrap(bytes), off);
                    ch.force(false);
                    if (i % 100 == 99) {
                        most = Math.max(most, infoCount(bucket, ino));
                    }
                }
            }
            System.out.printf("CompactionTest: at most %d infos in chunk 0 seen during the overwrites (%s)%n", most, note);
            String expected = sha256(model);

            Path readerFile = readerMount.path().resolve("big");
            try (FileChannel reader = FileChannel.open(readerFile, StandardOpenOption.READ)) {
                assertEquals(expected, readAll(reader), () -> "the second mount reads the model, " + note);
                // rewrites of bytes with themselves: more infos than the threshold, the same content, so a
                // compaction must come and replace every info the reader's handle has cached
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    for (int i = 0; i < THRESHOLD + 10; i++) {
                        int off = random.nextInt(SIZE - IO + 1);
                        writeFully(ch, ByteBuffer.wrap(model, off, IO), off);
                        ch.force(false);
                    }
                }
                Set<String> namedAfterRewrites = objectsNamedNow(bucket, ino);
                long deadline = System.currentTimeMillis() + COMPACTION_WAIT_MS;
                int reads = 0;
                int readsAfterOldObjectsWent = 0;
                while (readsAfterOldObjectsWent < 2) {
                    assertTrue(System.currentTimeMillis() < deadline, () -> "no compaction to at most " + THRESHOLD
                            + " infos with its old objects deleted within " + COMPACTION_WAIT_MS + " ms, " + note);
                    dropPageCache();
                    String got = readAll(reader);
                    reads++;
                    int read = reads;
                    assertEquals(expected, got, () -> "read " + read + " of the handle opened before compaction, " + note);
                    if (infoCount(bucket, ino) <= THRESHOLD && !intersects(bucket.stored(), namedAfterRewrites)) {
                        readsAfterOldObjectsWent++;
                    }
                }
                System.out.printf("CompactionTest: %d whole-file reads through the old handle, all equal to the model%n",
                        reads);
                // the client says so when it meets an object that compaction deleted: the path was taken
                assertTrue(Files.readString(env.workDir.resolve("logs").resolve("reader.log"))
                        .contains("reloading its chunk infos"), () -> "the old handle never met a deleted object, " + note);
            }

            Map<Long, S3ChunkInfoList> infos = bucket.chunkInfos(ino);
            assertEquals(Set.of(0L), infos.keySet(), "a 64 MiB file is one chunk");
            int count = infos.get(0L).getInfosCount();
            assertTrue(count <= THRESHOLD, () -> count + " infos left in chunk 0, more than " + THRESHOLD + ", " + note);
            try (FileChannel fresh = FileChannel.open(file, StandardOpenOption.READ)) {
                dropPageCache();
                assertEquals(expected, readAll(fresh), () -> "the writer's mount reads the model after compaction, " + note);
            }
            Set<String> referenced = bucket.referencedBy(List.of(ino));
            Set<String> stored = bucket.stored();
            assertEquals(referenced, stored, () -> "the bucket holds exactly the objects of the file's "
                    + count + " infos, " + note);
            System.out.printf("CompactionTest: %d infos, %d objects in the bucket after compaction (%s)%n", count,
                    stored.size(), note);
            assertEquals(0, readerMount.unmount(), () -> "reader unmount; log:\n" + readerMount.tail());
            assertEquals(0, writer.unmount(), () -> "writer unmount; log:\n" + writer.tail());
        }
    }

    private static int infoCount(BucketAccounting bucket, long ino) {
        return bucket.chunkInfos(ino).values().stream().mapToInt(S3ChunkInfoList::getInfosCount).max().orElse(0);
    }

    private static Set<String> objectsNamedNow(BucketAccounting bucket, long ino) {
        return new TreeSet<>(bucket.referencedBy(List.of(ino)));
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        return a.stream().anyMatch(b::contains);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long offset) throws IOException {
        long pos = offset;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    private static String readAll(FileChannel ch) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        while (true) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            buf.flip();
            sha.update(buf);
            pos += n;
        }
        assertEquals(SIZE, pos, "bytes read");
        return HexFormat.of().formatHex(sha.digest());
    }

    /** As root: the kernel's page cache would otherwise answer the reads without asking curve-fuse. */
    private static void dropPageCache() throws IOException {
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1\n");
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
