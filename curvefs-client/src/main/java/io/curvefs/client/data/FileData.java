package io.curvefs.client.data;

import io.curvefs.proto.metaserver.S3ChunkInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data of one inode in this mount, shared by all its open handles: the dirty layers (write-back
 * buffer), the file length, the cached chunk infos, and the commit protocol (upload, then append the
 * infos). Two locks with different jobs:
 * <ul>
 * <li>the monitor ({@code synchronized}) guards the in-memory state and is held only for memory
 *     copies, never across a network call, so reads and writes never wait for S3 or the metaserver;</li>
 * <li>{@code commitLock} serializes flushes and truncates of this file and is held across their network
 *     calls: commits must reach the metaserver in the order their data was produced, or an old flush
 *     could land after a truncate and resurrect cut-off bytes.</li>
 * </ul>
 */
final class FileData {
    private static final Logger LOG = LoggerFactory.getLogger(FileData.class);
    private static final byte[] ZEROS = new byte[64 << 10];

    final long ino;
    private final MountContext ctx;
    private final ReadPlanner planner;
    private final ReentrantLock commitLock = new ReentrantLock();
    private final AtomicBoolean flushQueued = new AtomicBoolean();

    // guarded by this
    private DirtyLayer open;
    private final List<DirtyLayer> sealed = new ArrayList<>();  // oldest first; non-empty only during or after a failed flush
    private long length;
    private long committedLength;
    private long zeroFrom;                // pending truncation: [zeroFrom, zeroTo) reads as zeros, not yet committed
    private long zeroTo;
    private ChunkMap chunks;              // null = not loaded
    private long chunksVersion;           // bumped by every commit and invalidation
    private long dirtySinceNanos;         // 0 = nothing waits for the background flusher

    // guarded by DataStore's map (changed only inside its compute calls)
    int refs;

    FileData(long ino, long length, MountContext ctx) {
        this.ino = ino;
        this.ctx = ctx;
        this.planner = new ReadPlanner(ctx.layout(), ino);
        this.open = new DirtyLayer(ctx.pool().pageSize());
        this.length = length;
        this.committedLength = length;
    }

    synchronized long length() {
        return length;
    }

    /** Nothing waits to be committed. */
    synchronized boolean isClean() {
        return open.isEmpty() && sealed.isEmpty() && zeroFrom >= zeroTo && length == committedLength;
    }

    synchronized boolean hasDirtyData() {
        return !open.isEmpty() || !sealed.isEmpty();
    }

    /** Something has waited for a commit at least {@code ageNanos}. */
    synchronized boolean flushDue(long now, long ageNanos) {
        return dirtySinceNanos != 0 && now - dirtySinceNanos >= ageNanos;
    }

    synchronized void invalidateChunks() {
        chunks = null;
        chunksVersion++;
    }

    /**
     * Another mount may have changed the file while this one has it open (it just took a lock on it):
     * the chunk infos are reloaded on the next read and, when nothing of this mount waits to be
     * committed, the length is the metadata's.
     */
    synchronized void reload(long committed) {
        if (isClean()) {
            length = committed;
            committedLength = committed;
        }
        invalidateChunks();
    }

    void write(long offset, ByteBuffer src) throws IOException {
        long pos = offset;
        long waitDeadline = 0;
        while (src.hasRemaining()) {
            boolean blockDirty;
            synchronized (this) {
                int n = open.write(pos, src, ctx.pool());
                pos += n;
                length = Math.max(length, pos);
                if (n > 0 && dirtySinceNanos == 0) {
                    dirtySinceNanos = System.nanoTime();
                }
                blockDirty = open.bytes() >= ctx.layout().blockSize();
            }
            if (blockDirty) {
                scheduleFlush();
            }
            if (src.hasRemaining()) {
                if (waitDeadline == 0) {
                    waitDeadline = System.nanoTime() + ctx.config().writeWait().toNanos();
                }
                if (!ctx.pool().awaitPage(waitDeadline)) {
                    throw new IOException("write buffer full for " + ctx.config().writeWait().toSeconds()
                            + " s (inode " + ino + "): uploads do not keep up or S3 is unavailable");
                }
            }
        }
    }

    /** Writes src at the current end of the file (O_APPEND), atomically with other appenders; returns the offset. */
    long append(ByteBuffer src) throws IOException {
        long offset;
        synchronized (this) {
            offset = length;
            length += src.remaining();    // reserves the range: a concurrent appender goes after it
        }
        write(offset, src);
        return offset;
    }

    /**
     * Reads up to dst.remaining() bytes at offset into dst (advancing its position); returns the count,
     * 0 at or beyond the end of the file. Dirty bytes come from memory, the rest from the object store.
     */
    int read(long offset, ByteBuffer dst) throws IOException {
        int base = dst.position();
        int n;
        List<long[]> holes;
        ChunkMap map;
        long version;
        synchronized (this) {
            if (offset >= length || !dst.hasRemaining()) {
                return 0;
            }
            n = (int) Math.min(dst.remaining(), length - offset);
            List<long[]> covered = new ArrayList<>();
            long zs = Math.max(offset, zeroFrom);
            long ze = Math.min(offset + n, zeroTo);
            if (zs < ze) {
                fillZeros(dst, base + (int) (zs - offset), ze - zs);
                covered.add(new long[] {zs, ze});
            }
            for (DirtyLayer layer : sealed) {
                layer.copyOut(offset, n, dst, base, covered);
            }
            open.copyOut(offset, n, dst, base, covered);
            holes = complement(offset, offset + n, covered);
            map = chunks;
            version = chunksVersion;
        }
        if (!holes.isEmpty()) {
            try {
                readCommitted(map == null ? loadChunks(version) : map, holes, offset, dst, base);
            } catch (FileNotFoundException e) {
                // an object named by cached infos is gone: compaction replaced it. Reload the infos once.
                LOG.info("inode {}: {}; reloading its chunk infos", ino, e.getMessage());
                readCommitted(loadChunks(invalidateChunks(version)), holes, offset, dst, base);
            }
        }
        dst.position(base + n);
        return n;
    }

    private void readCommitted(ChunkMap map, List<long[]> holes, long offset, ByteBuffer dst, int base) throws IOException {
        List<BlockCache.ObjectPiece> pieces = new ArrayList<>();
        for (long[] h : holes) {
            planner.plan(map, h[0], h[1], offset, base, pieces,
                    (s, e) -> fillZeros(dst, base + (int) (s - offset), e - s));
        }
        ctx.cache().read(pieces, dst);
    }

    /** Drops the cached infos if they are still those of {@code version}; returns the current version. */
    private synchronized long invalidateChunks(long version) {
        if (chunksVersion == version) {
            chunks = null;
            chunksVersion++;
        }
        return chunksVersion;
    }

    /** Starts fetching committed bytes [from, to) into the read caches (sequential read-ahead). */
    void prefetch(long from, long to) {
        ChunkMap map;
        synchronized (this) {
            map = chunks;
            to = Math.min(to, committedLength);
        }
        if (map == null || from >= to) {
            return;
        }
        List<BlockCache.ObjectPiece> pieces = new ArrayList<>();
        planner.plan(map, from, to, from, 0, pieces, (s, e) -> { });
        ctx.cache().prefetch(pieces);
    }

    /** Makes every byte written so far and the current length durable (fsync, flush, close). */
    void flush() throws IOException {
        long deadline = ctx.objects().deadlineFromNow();
        lockCommits(deadline);
        try {
            commit(true, deadline);
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Sets the length. Shrinking drops dirty bytes beyond it and records a zero info over the cut-off
     * committed range, so that a later extension reads zeros instead of the old bytes.
     */
    void truncate(long newLength) throws IOException {
        long deadline = ctx.objects().deadlineFromNow();
        lockCommits(deadline);
        try {
            synchronized (this) {
                if (newLength < length) {
                    open.truncate(newLength, ctx.pool());
                    for (DirtyLayer layer : sealed) {
                        layer.truncate(newLength, ctx.pool());
                    }
                    sealed.removeIf(DirtyLayer::isEmpty);
                    if (newLength < committedLength) {
                        zeroFrom = zeroFrom < zeroTo ? Math.min(zeroFrom, newLength) : newLength;
                        zeroTo = Math.max(zeroTo, committedLength);
                    }
                }
                length = newLength;
            }
            commit(false, deadline);
        } finally {
            commitLock.unlock();
        }
    }

    /** Queues a background flush unless one is already queued. */
    void scheduleFlush() {
        if (!flushQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            ctx.flushExecutor().execute(() -> {
                flushQueued.set(false);       // writes from now on may queue the next round
                try {
                    flush();
                } catch (IOException e) {
                    LOG.warn("background flush of inode {} failed, will retry: {}", ino, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            flushQueued.set(false);           // the mount is closing; its close flushes
        }
    }

    /**
     * One commit (the caller holds commitLock): seal the open layer (when includeOpen), upload every
     * sealed layer, then append all infos and the length in one call. On failure the data stays sealed (readable, retried by the next
     * commit) and the error is thrown.
     */
    private void commit(boolean includeOpen, long deadline) throws IOException {
        List<DirtyLayer> layers;
        long zf;
        long zt;
        long newLength;
        boolean lengthChanged;
        synchronized (this) {
            if (includeOpen && !open.isEmpty()) {
                sealed.add(open);
                open = new DirtyLayer(ctx.pool().pageSize());
            }
            if (open.isEmpty()) {
                dirtySinceNanos = 0;
            }
            layers = List.copyOf(sealed);
            zf = zeroFrom;
            zt = zeroTo;
            newLength = length;
            lengthChanged = length != committedLength;
            if (layers.isEmpty() && zf >= zt && !lengthChanged) {
                return;
            }
        }
        FlushPlan plan;
        try {
            plan = FlushPlan.build(ctx.layout(), ino, zf, zt, layers, ctx.chunkIds());
            ctx.uploader().uploadAll(plan.uploads(), deadline);
            ctx.chunkInfos().append(ino, plan.infos(), lengthChanged ? OptionalLong.of(newLength) : OptionalLong.empty());
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (dirtySinceNanos == 0) {
                    dirtySinceNanos = System.nanoTime();   // the background flusher retries
                }
            }
            throw e instanceof IOException io ? io : new IOException("flush of inode " + ino + " failed", e);
        }
        synchronized (this) {
            for (DirtyLayer layer : layers) {
                sealed.remove(layer);
                layer.free(ctx.pool());
            }
            zeroFrom = 0;
            zeroTo = 0;
            committedLength = newLength;
            if (chunks != null) {
                chunks = chunks.withAppended(plan.infos());
            }
            chunksVersion++;
        }
    }

    /**
     * Takes the commit lock, waiting at most until the deadline: the caller's deadline covers the time
     * spent behind another flush of the same file, so a flush never takes longer than one deadline.
     */
    private void lockCommits(long deadline) throws IOException {
        try {
            if (!commitLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("flush of inode " + ino + " timed out behind a running flush");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to flush inode " + ino);
        }
    }

    private ChunkMap loadChunks(long version) throws IOException {
        Map<Long, List<S3ChunkInfo>> loaded;
        try {
            loaded = new HashMap<>(ctx.chunkInfos().load(ino));
        } catch (RuntimeException e) {
            // the metadata layer reports RPC failures unchecked; callers of this package get IOException
            throw new IOException("loading chunk infos of inode " + ino + " failed: " + e.getMessage(), e);
        }
        loaded.replaceAll((chunk, list) -> List.copyOf(list));
        ChunkMap map = new ChunkMap(loaded);
        synchronized (this) {
            // a commit or invalidation since the read began may have made this load stale for later reads
            if (chunksVersion == version) {
                chunks = map;
            }
        }
        return map;
    }

    /** The parts of [from, to) not covered by any of the given {start, end} ranges. */
    private static List<long[]> complement(long from, long to, List<long[]> covered) {
        covered.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> holes = new ArrayList<>();
        long pos = from;
        for (long[] c : covered) {
            if (c[0] > pos) {
                holes.add(new long[] {pos, c[0]});
            }
            pos = Math.max(pos, c[1]);
        }
        if (pos < to) {
            holes.add(new long[] {pos, to});
        }
        return holes;
    }

    private static void fillZeros(ByteBuffer dst, int index, long count) {
        while (count > 0) {
            int c = (int) Math.min(count, ZEROS.length);
            dst.put(index, ZEROS, 0, c);
            index += c;
            count -= c;
        }
    }
}
