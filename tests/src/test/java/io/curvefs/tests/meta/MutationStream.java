package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writer threads that each repeat, under one directory: create a file with a unique name, append one
 * chunk info (a non-idempotent change: a doubled apply would show two), then update its mode and uid.
 * A writer stops at its first failure; the test asserts there was none.
 */
final class MutationStream {
    static final long LENGTH = 4096;
    static final int MODE = 0600;
    static final int UID = 42;

    /** What one completed create recorded; the chunk id is unique per file. */
    record Created(long inodeId, long chunkId) {
    }

    private final MetaClient meta;
    private final long dir;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, Created> created = new ConcurrentHashMap<>();
    private final AtomicInteger completed = new AtomicInteger();
    private final List<Thread> writers = new ArrayList<>();

    MutationStream(MetaClient meta, long dir) {
        this.meta = meta;
        this.dir = dir;
    }

    void start(int writerCount) {
        for (int w = 0; w < writerCount; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(writer), "mutation-writer-" + w);
            t.setDaemon(true);
            writers.add(t);
            t.start();
        }
    }

    private void write(int writer) {
        for (int i = 0; !stop.get(); i++) {
            String name = "w" + writer + "-" + i;
            long chunkId = writer * 10_000_000L + i + 1;
            try {
                long ino = meta.createNode(dir, name, FsFileType.TYPE_S3, 0100644, 0, 0, 0, "", MetaFs.now())
                        .inode().getInodeId();
                created.put(name, new Created(ino, chunkId));
                S3ChunkInfo chunk = S3ChunkInfo.newBuilder().setChunkId(chunkId).setOffset(0).setLen(LENGTH)
                        .setSize(LENGTH).build();
                meta.appendChunkInfo(ino, Map.of(0L, S3ChunkInfoList.newBuilder().addInfos(chunk).build()),
                        OptionalLong.of(LENGTH), MetaFs.now());
                meta.updateInode(ino, u -> u.setMode(MODE).setUid(UID));
                completed.incrementAndGet();
            } catch (Throwable e) {
                failures.add(new AssertionError("writer " + writer + " failed at " + name, e));
                return;
            }
        }
    }

    /** Number of files whose three mutations all succeeded. */
    int completed() {
        return completed.get();
    }

    /** Failures so far; a failed writer has stopped. */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /**
     * Stops the writers and waits for them (each finishes its current file first); returns whether all
     * ended within the timeout.
     */
    boolean stop(Duration timeout) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : writers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return writers.stream().noneMatch(Thread::isAlive);
    }

    Map<String, Created> created() {
        return Map.copyOf(created);
    }
}
