package io.curvefs.client.data;

import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class DataStoreTest {
    private static final Logger LOG = LoggerFactory.getLogger(DataStoreTest.class);
    private static final int FS_ID = 3;
    private static final int MIB = 1 << 20;

    private final MemoryChunkInfoStore infos = new MemoryChunkInfoStore();
    private final AtomicLong chunkIds = new AtomicLong(100);

    private DataStore open(S3ProxyServer s3, long blockSize, long chunkSize, DataConfig config) throws IOException {
        return open(s3.info(blockSize, chunkSize), config);
    }

    private DataStore open(S3Info info, DataConfig config) throws IOException {
        return new DataStore(info, FS_ID, infos, chunkIds::incrementAndGet, config);
    }

    /** Writes, overwrites, truncates, appends and holes through two handles, checked against a byte array. */
    @Test
    void randomOperationsMatchAnInMemoryModel(@TempDir Path tmp) throws Exception {
        long seed = Long.getLong("curvefs.test.seed", 20261121L);
        Random rnd = new Random(seed);
        String ctx = "seed=" + seed;
        long ino = 42;
        int max = 80 * MIB;
        byte[] model = new byte[max];
        long len = 0;
        byte[] buf = new byte[8 * MIB];
        DataConfig config = DataConfig.defaults().withWriteBuffer(32L * MIB, Duration.ofSeconds(30))
                .withFlushInterval(Duration.ofSeconds(1));
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            try (DataStore store = open(s3, 0, 0, config)) {
                FileHandle[] h = {store.open(ino, 0), store.open(ino, 0)};
                for (int op = 0; op < 400; op++) {
                    String at = ctx + " op=" + op;
                    FileHandle x = h[rnd.nextInt(2)];
                    int kind = rnd.nextInt(100);
                    if (kind < 45) {
                        long off = switch (rnd.nextInt(3)) {
                            case 0 -> (long) (rnd.nextDouble() * Math.min(max, len + MIB));
                            case 1 -> 64L * MIB - rnd.nextInt(2 * MIB);      // around the chunk boundary
                            default -> len;
                        };
                        int p = rnd.nextInt(100);
                        int n = p < 70 ? 1 + rnd.nextInt(64 << 10) : p < 95 ? 1 + rnd.nextInt(MIB) : 1 + rnd.nextInt(8 * MIB);
                        n = (int) Math.min(n, max - off);
                        rnd.nextBytes(buf);
                        x.write(off, ByteBuffer.wrap(buf, 0, n));
                        System.arraycopy(buf, 0, model, (int) off, n);
                        len = Math.max(len, off + n);
                    } else if (kind < 60) {
                        int runs = 1 + rnd.nextInt(48);
                        for (int r = 0; r < runs && len + (128 << 10) <= max; r++) {
                            rnd.nextBytes(buf);
                            if (r % 2 == 0) {
                                x.write(len, ByteBuffer.wrap(buf, 0, 128 << 10));
                            } else {
                                assertEquals(len, x.append(ByteBuffer.wrap(buf, 0, 128 << 10)), at);
                            }
                            System.arraycopy(buf, 0, model, (int) len, 128 << 10);
                            len += 128 << 10;
                        }
                    } else if (kind < 65) {
                        long to = len == 0 ? 0 : (long) (rnd.nextDouble() * len);
                        x.truncate(to);
                        java.util.Arrays.fill(model, (int) to, (int) len, (byte) 0);
                        len = to;
                    } else if (kind < 68) {
                        long to = Math.min(max, len + rnd.nextInt(4 * MIB));
                        x.truncate(to);
                        len = to;
                    } else if (kind < 76) {
                        x.flush();
                    } else if (kind < 78) {
                        int i = rnd.nextInt(2);
                        h[i].release();
                        h[i] = store.open(ino, infos.length(ino));
                    } else {
                        long off = (long) (rnd.nextDouble() * (len + MIB));
                        int n = 1 + rnd.nextInt(2 * MIB);
                        assertRange(x, model, len, off, n, at);
                    }
                    assertEquals(len, x.length(), at);
                }
                assertWhole(h[0], model, len, ctx + " before final flush, handle 0");
                assertWhole(h[1], model, len, ctx + " before final flush, handle 1");
                store.flushAll();
                assertEquals(List.of(), store.dirtyInodes(), ctx);
                assertEquals(len, infos.length(ino), ctx);
                assertWhole(h[1], model, len, ctx + " after flush");
                assertBucketHoldsExactlyReferencedObjects(store);
                h[0].release();
                h[1].release();
            }
            // twice with a disk cache: the first pass fills it from S3, the second (S3 stopped) reads from it
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) {
                    s3.stop();
                }
                try (DataStore fresh = open(s3, 0, 0, config.withDiskCache(tmp.resolve("disk"), 1L << 30))) {
                    FileHandle f = fresh.open(ino, infos.length(ino));
                    assertWhole(f, model, len, ctx + " fresh store pass " + pass);
                    f.release();
                }
            }
        }
    }

    /**
     * Threads writing, reading and flushing disjoint regions of one file at once, with background and
     * pressure flushes sealing layers under them: every read sees the thread's own latest writes.
     */
    @Test
    void concurrentWritersReadersAndFlushesOnOneFile(@TempDir Path tmp) throws Exception {
        long ino = 50;
        int threads = 4;
        int region = 4 * MIB;
        long stride = 5L * MIB;                                   // a 1 MiB hole between regions
        byte[] model = new byte[(int) (stride * threads)];
        DataConfig config = DataConfig.defaults().withWriteBuffer(16L * MIB, Duration.ofSeconds(30))
                .withFlushInterval(Duration.ofMillis(200));
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try (DataStore store = open(s3, 0, 0, config)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    done.add(pool.submit(() -> {
                        Random rnd = new Random(100 + me);
                        FileHandle h = store.open(ino, 0);
                        long base = me * stride;
                        byte[] initial = new byte[region];
                        rnd.nextBytes(initial);
                        h.write(base, ByteBuffer.wrap(initial));     // from now on the file covers the region
                        System.arraycopy(initial, 0, model, (int) base, region);
                        for (int op = 0; op < 150; op++) {
                            int off = rnd.nextInt(region - 1);
                            int n = 1 + rnd.nextInt(Math.min(region - off, 512 << 10));
                            int kind = rnd.nextInt(10);
                            if (kind < 6) {
                                byte[] data = new byte[n];
                                rnd.nextBytes(data);
                                h.write(base + off, ByteBuffer.wrap(data));
                                System.arraycopy(data, 0, model, (int) base + off, n);
                            } else if (kind < 9) {
                                assertRange(h, model, base + region, base + off, n, "thread " + me + " op " + op);
                            } else {
                                h.flush();
                            }
                        }
                        h.release();
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            try (DataStore fresh = open(s3, 0, 0, config)) {
                FileHandle f = fresh.open(ino, infos.length(ino));
                long len = f.length();
                assertTrue(len <= model.length);
                assertWhole(f, model, len, "after concurrent writers");
                f.release();
            }
        }
    }

    /** Small blocks and chunks, an object prefix, several files: the bucket holds exactly the objects the infos name. */
    @Test
    void bucketHoldsExactlyTheObjectsTheInfosReference(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(7);
        long block = 64 << 10;
        long chunk = 256 << 10;
        int size = 2 * MIB;
        byte[][] models = new byte[3][size];
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            S3Info info = s3.info(block, chunk).toBuilder().setObjectPrefix("fs3/").build();
            try (DataStore store = open(info, DataConfig.defaults())) {
                List<FileHandle> handles = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    handles.add(store.open(10 + i, 0));
                }
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < 3; i++) {
                        for (int w = 0; w < 20; w++) {
                            int off = rnd.nextInt(size - 1);
                            int n = 1 + rnd.nextInt(Math.min(size - off, 300 << 10));
                            byte[] data = new byte[n];
                            rnd.nextBytes(data);
                            handles.get(i).write(off, ByteBuffer.wrap(data));
                            System.arraycopy(data, 0, models[i], off, n);
                        }
                        handles.get(i).flush();
                    }
                }
                // the same written length everywhere simplifies the model: pad to the full size
                for (int i = 0; i < 3; i++) {
                    handles.get(i).truncate(size);
                    handles.get(i).release();
                }
                assertBucketHoldsExactlyReferencedObjects(store);
            }
            try (DataStore fresh = open(info, DataConfig.defaults())) {
                for (int i = 0; i < 3; i++) {
                    FileHandle f = fresh.open(10 + i, infos.length(10 + i));
                    assertWhole(f, models[i], size, "inode " + (10 + i));
                    f.release();
                }
            }
        }
    }

    /** Random 4 KiB writes upload 4 KiB each, and overwriting dirty bytes reuses their buffer pages. */
    @Test
    void smallWritesUploadSmallObjectsAndOverwritesStayInPlace(@TempDir Path tmp) throws Exception {
        long ino = 30;
        int writes = 200;
        DataConfig config = DataConfig.defaults().withFlushInterval(Duration.ofHours(1));
        Random rnd = new Random(11);
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            try (DataStore store = open(s3, 0, 0, config)) {
                FileHandle h = store.open(ino, 0);
                byte[] page = new byte[4096];
                Set<Long> offsets = new TreeSet<>();
                while (offsets.size() < writes) {
                    offsets.add(4096L * rnd.nextInt(16384) * 2);     // never adjacent: no coalescing
                }
                for (long off : offsets) {
                    rnd.nextBytes(page);
                    h.write(off, ByteBuffer.wrap(page));
                }
                long used = store.writeBuffer().usedBytes();
                for (int i = 0; i < 10; i++) {
                    for (long off : offsets) {
                        h.write(off, ByteBuffer.wrap(page));
                    }
                }
                assertEquals(used, store.writeBuffer().usedBytes(), "overwrites allocated buffer pages");
                h.flush();
                long infoBytes = 0;
                int infoCount = 0;
                for (List<S3ChunkInfo> list : infos.load(ino).values()) {
                    for (S3ChunkInfo info : list) {
                        infoBytes += info.getLen();
                        infoCount++;
                    }
                }
                assertEquals(writes, infoCount);
                assertEquals(writes * 4096L, infoBytes);
                assertEquals(writes, store.objects().list(store.layout().inodePrefix(ino), store.objects().deadlineFromNow()).size());
                h.release();
            }
        }
    }

    /** Cached infos that name objects compaction has replaced and deleted are reloaded once. */
    @Test
    void readReloadsInfosWhenCompactionReplacedTheirObjects(@TempDir Path tmp) throws Exception {
        long ino = 40;
        byte[] data = new byte[6 * MIB];
        new Random(5).nextBytes(data);
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"));
             DataStore store = open(s3, 0, 0, DataConfig.defaults())) {
            FileHandle h = store.open(ino, 0);
            for (int off = 0; off < data.length; off += MIB) {
                h.write(off, ByteBuffer.wrap(data, off, MIB));
                h.flush();                                  // several infos, several objects
            }
            assertRange(h, data, data.length, 5 * MIB, 4096, "before compaction");   // caches the infos

            S3ChunkInfo merged = S3ChunkInfo.newBuilder().setChunkId(chunkIds.incrementAndGet()).setCompaction(1)
                    .setOffset(0).setLen(data.length).setSize(data.length).build();
            S3ObjectStore objects = store.objects();
            for (ObjectLayout.ObjectSpan span : store.layout().objectsOf(ino, merged)) {
                objects.put(span.name(), () -> new java.io.ByteArrayInputStream(data, (int) span.fileStart(), (int) span.length()),
                        span.length(), objects.deadlineFromNow());
            }
            List<String> old = new ArrayList<>();
            for (List<S3ChunkInfo> list : infos.load(ino).values()) {
                list.forEach(info -> store.layout().objectsOf(ino, info).forEach(o -> old.add(o.name())));
            }
            infos.replace(ino, Map.of(0L, List.of(merged)));
            objects.delete(old, objects.deadlineFromNow());

            assertWhole(h, data, data.length, "after compaction");
            assertBucketHoldsExactlyReferencedObjects(store);
            h.release();
        }
    }

    /** A flush against a stopped S3 fails within the deadline, keeps the data, and succeeds after a restart. */
    @Test
    void flushFailsWithinDeadlineWhileS3IsDownThenSucceeds(@TempDir Path tmp) throws Exception {
        long ino = 7;
        Duration deadline = Duration.ofSeconds(2);
        DataConfig config = DataConfig.defaults().withS3Deadline(deadline).withFlushInterval(Duration.ofHours(1));
        Random rnd = new Random(3);
        byte[] model = new byte[8 * MIB];
        byte[] first = new byte[6 * MIB];
        rnd.nextBytes(first);
        byte[] second = new byte[3 * MIB];
        rnd.nextBytes(second);
        System.arraycopy(first, 0, model, 0, first.length);
        System.arraycopy(second, 0, model, 5 * MIB, second.length);
        // blocks of 16 MiB: no write here fills one, so no background flush is queued that could run after
        // the explicit flush and upload the second write before S3 stops (the test would then see no error)
        long blockSize = 16L * MIB;
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            try (DataStore store = open(s3, blockSize, 0, config)) {
                FileHandle h = store.open(ino, 0);
                h.write(0, ByteBuffer.wrap(first));
                h.flush();
                h.write(5 * MIB, ByteBuffer.wrap(second));
                s3.stop();

                long t0 = System.nanoTime();
                assertThrows(IOException.class, h::flush);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                LOG.info("flush against stopped S3 failed after {} ms (deadline {} ms)", tookMs, deadline.toMillis());
                assertTrue(tookMs < deadline.toMillis() + 3000, "flush took " + tookMs + " ms");
                assertEquals(8L * MIB, h.length());
                assertRange(h, model, model.length, 5 * MIB, 3 * MIB, "dirty data while S3 is down");
                assertEquals(6L * MIB, infos.length(ino), "the failed flush committed nothing");

                s3.restart();
                h.flush();
                assertEquals(8L * MIB, infos.length(ino));
                h.release();
                assertBucketHoldsExactlyReferencedObjects(store);
            }
            try (DataStore fresh = open(s3, blockSize, 0, config)) {
                FileHandle f = fresh.open(ino, infos.length(ino));
                assertWhole(f, model, model.length, "after restart");
                f.release();
            }
        }
    }

    /** Writing far more than the write buffer completes, and the buffer never holds more than its bound. */
    @Test
    void writeBufferStaysWithinItsBound(@TempDir Path tmp) throws Exception {
        long bound = 8L * MIB;
        int perFile = 96 * MIB;
        DataConfig config = DataConfig.defaults().withWriteBuffer(bound, Duration.ofSeconds(30))
                .withFlushInterval(Duration.ofSeconds(1));
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"))) {
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try (DataStore store = open(s3, 0, 0, config)) {
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (long ino = 20; ino < 22; ino++) {
                    long file = ino;
                    done.add(writers.submit(() -> {
                        FileHandle h = store.open(file, 0);
                        byte[] io = new byte[128 << 10];
                        for (long off = 0; off < perFile; off += io.length) {
                            pattern(file, off, io);
                            h.write(off, ByteBuffer.wrap(io));
                        }
                        h.release();
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(90, TimeUnit.SECONDS);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                LOG.info("wrote 2 x {} MiB through a {} MiB buffer in {} s: {} MiB/s (write + upload + commit)",
                        perFile / MIB, bound / MIB, String.format("%.2f", secs), String.format("%.0f", 2 * perFile / MIB / secs));
                WriteBufferPool pool = store.writeBuffer();
                assertEquals(bound, pool.capacityBytes());
                assertTrue(pool.peakUsedBytes() <= bound, "peak " + pool.peakUsedBytes());
                assertTrue(pool.peakUsedBytes() > bound / 2, "the test did not fill the buffer");
                assertEquals(0, pool.usedBytes());
            } finally {
                writers.shutdownNow();
            }
            try (DataStore fresh = open(s3, 0, 0, config)) {
                byte[] expected = new byte[MIB];
                ByteBuffer got = ByteBuffer.allocate(MIB);
                long t0 = System.nanoTime();
                for (long ino = 20; ino < 22; ino++) {
                    FileHandle f = fresh.open(ino, infos.length(ino));
                    assertEquals(perFile, f.length());
                    for (long off = 0; off < perFile; off += MIB) {
                        got.clear();
                        assertEquals(MIB, f.read(off, got));
                        pattern(ino, off, expected);
                        if (!java.util.Arrays.equals(expected, got.array())) {
                            fail("inode " + ino + " differs in the MiB at " + off);
                        }
                    }
                    f.release();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                LOG.info("read 2 x {} MiB sequentially from a fresh store: {} MiB/s",
                        perFile / MIB, String.format("%.0f", 2 * perFile / MIB / secs));
            }
        }
    }

    /** Fills io with bytes that depend on the inode and the absolute offset (a torn or misplaced block shows). */
    private static void pattern(long ino, long off, byte[] io) {
        for (int i = 0; i < io.length; i += 8) {
            long v = (off + i) * 0x9E3779B97F4A7C15L ^ ino;
            for (int b = 0; b < 8 && i + b < io.length; b++) {
                io[i + b] = (byte) (v >>> (8 * b));
            }
        }
    }

    private void assertBucketHoldsExactlyReferencedObjects(DataStore store) throws IOException {
        Set<String> expected = new TreeSet<>();
        for (Map.Entry<Long, Map<Long, List<S3ChunkInfo>>> file : infos.all().entrySet()) {
            for (List<S3ChunkInfo> list : file.getValue().values()) {
                for (S3ChunkInfo info : list) {
                    if (!info.getZero()) {
                        store.layout().objectsOf(file.getKey(), info).forEach(o -> expected.add(o.name()));
                    }
                }
            }
        }
        Set<String> actual = new HashSet<>(store.objects().list("", store.objects().deadlineFromNow()));
        assertFalse(expected.isEmpty());
        assertEquals(expected, new TreeSet<>(actual));
    }

    private static void assertWhole(FileHandle h, byte[] model, long len, String ctx) throws IOException {
        assertEquals(len, h.length(), ctx);
        for (long off = 0; off < len; off += 4 * MIB) {
            assertRange(h, model, len, off, 4 * MIB, ctx);
        }
    }

    /** Reads n bytes at off and compares with the model (which is zero beyond len). */
    private static void assertRange(FileHandle h, byte[] model, long len, long off, int n, String ctx) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        int got = h.read(off, dst);
        int want = (int) Math.max(0, Math.min(n, len - off));
        assertEquals(want, got, ctx + " read length at " + off);
        assertEquals(want, dst.position(), ctx);
        byte[] a = dst.array();
        for (int i = 0; i < want; i++) {
            if (a[i] != model[(int) off + i]) {
                fail(ctx + ": byte at file offset " + (off + i) + " is " + a[i] + ", expected " + model[(int) off + i]);
            }
        }
    }
}
