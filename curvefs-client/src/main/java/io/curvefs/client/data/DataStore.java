package io.curvefs.client.data;

import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.proto.common.S3Info;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The S3 data path of one mount (see package-info.java): opens files, owns the shared write buffer,
 * read caches, thread pools and the background flusher.
 */
public final class DataStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataStore.class);

    private final DataConfig config;
    private final MountContext ctx;
    private final S3ObjectStore objects;
    private final ConcurrentHashMap<Long, FileData> files = new ConcurrentHashMap<>();
    private final ExecutorService uploadExecutor;
    private final ExecutorService readExecutor;
    private final ExecutorService flushExecutor;
    private final ScheduledExecutorService ticker;

    public DataStore(S3Info s3, int fsId, ChunkInfoStore chunkInfos, ChunkIdSource chunkIds, DataConfig config)
            throws IOException {
        this.config = config;
        ObjectLayout layout = new ObjectLayout(s3, fsId);
        DiskCache disk = config.diskCacheDir() == null ? null : new DiskCache(config.diskCacheDir(), config.diskCacheBytes());
        this.objects = new S3ObjectStore(s3, config.s3Settings());
        this.uploadExecutor = Executors.newFixedThreadPool(config.uploadThreads(), daemon("s3-upload"));
        this.readExecutor = Executors.newFixedThreadPool(config.readThreads(), daemon("s3-read"));
        this.flushExecutor = Executors.newFixedThreadPool(config.flushThreads(), daemon("data-flush"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("data-flusher"));
        WriteBufferPool pool = new WriteBufferPool(config.writeBufferBytes(), config.writePageBytes(), this::flushDirtyAsync);
        this.ctx = new MountContext(layout, config, pool, new BlockCache(objects, disk, readExecutor, config),
                new ObjectUploader(objects, uploadExecutor), objects, chunkInfos, chunkIds, flushExecutor);
        long tick = Math.max(100, config.flushInterval().toMillis() / 2);
        ticker.scheduleWithFixedDelay(this::backgroundTick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens inode {@code ino}. {@code length} is the length the metadata layer just read; it is used
     * only when the inode is not already open (or still holding unflushed data) in this mount, because
     * then this mount's own view is newer.
     */
    public FileHandle open(long ino, long length) {
        FileData file = files.compute(ino, (k, f) -> {
            FileData d = f != null ? f : new FileData(ino, length, ctx);
            d.refs++;
            return d;
        });
        return new FileHandle(file, this, config.readAheadBytes());
    }

    /**
     * Forgets the cached chunk infos of an inode (the next read reloads them). The layer above calls it
     * when it decides that another mount may have changed the file (close-to-open: at open).
     */
    public void invalidate(long ino) {
        FileData file = files.get(ino);
        if (file != null) {
            file.invalidateChunks();
        }
    }

    /** See {@link FileData#reload}: for a file open here that another mount may have written. */
    public void reload(long ino, long committedLength) {
        FileData file = files.get(ino);
        if (file != null) {
            file.reload(committedLength);
        }
    }

    /**
     * Flushes every file of the mount (sync, umount), several files at a time on the flush pool. Waits
     * for all, then throws the first failure.
     */
    public void flushAll() throws IOException {
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (FileData file : List.copyOf(files.values())) {
            flushes.add(CompletableFuture.runAsync(() -> {
                try {
                    file.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, flushExecutor));
        }
        IOException first = null;
        for (CompletableFuture<Void> f : flushes) {
            try {
                f.join();      // bounded: each flush gives up at its deadline
            } catch (CompletionException e) {
                if (first == null) {
                    first = BlockCache.unwrap(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The length this mount sees for an inode that is open here or still holds unflushed data (a file
     * closed while S3 was down): its buffered writes count. Empty when the metadata's length is current.
     */
    public OptionalLong liveLength(long ino) {
        FileData f = files.get(ino);
        return f != null && (f.refs > 0 || !f.isClean()) ? OptionalLong.of(f.length()) : OptionalLong.empty();
    }

    public WriteBufferPool writeBuffer() {
        return ctx.pool();
    }

    public ObjectLayout layout() {
        return ctx.layout();
    }

    /** The mount's object store (for tools and the later garbage collector: list, batch delete). */
    public S3ObjectStore objects() {
        return objects;
    }

    /** Inodes that still hold unflushed data, e.g. to report at umount. */
    public List<Long> dirtyInodes() {
        List<Long> out = new ArrayList<>();
        files.forEach((ino, f) -> {
            if (!f.isClean()) {
                out.add(ino);
            }
        });
        return out;
    }

    /** Flushes everything (failures are logged: there is nobody left to retry), then stops. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            flushAll();
        } catch (IOException e) {
            LOG.error("data of inodes {} could not be flushed at close: {}", dirtyInodes(), e.getMessage());
        }
        flushExecutor.shutdownNow();
        uploadExecutor.shutdownNow();
        readExecutor.shutdownNow();
        objects.close();
    }

    void release(FileData file, boolean flush) throws IOException {
        try {
            if (flush) {
                file.flush();
            }
        } finally {
            files.compute(file.ino, (k, f) -> {
                f.refs--;
                return f.refs == 0 && f.isClean() ? null : f;
            });
        }
    }

    private void backgroundTick() {
        try {
            long now = System.nanoTime();
            long age = config.flushInterval().toNanos();
            for (FileData file : files.values()) {
                if (file.flushDue(now, age)) {
                    file.scheduleFlush();
                }
                // a file closed while its flush failed stays here until a retry succeeds
                files.computeIfPresent(file.ino, (k, f) -> f.refs == 0 && f.isClean() ? null : f);
            }
        } catch (RuntimeException e) {
            // an exception would cancel the periodic task and silently stop all background flushing
            LOG.error("background flusher: {}", e.toString());
        }
    }

    private void flushDirtyAsync() {
        for (FileData file : files.values()) {
            if (file.hasDirtyData()) {
                file.scheduleFlush();
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
