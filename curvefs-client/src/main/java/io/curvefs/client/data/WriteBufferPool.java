package io.curvefs.client.data;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The memory that holds dirty data of every file of a mount, handed out in fixed-size pages. Pages are
 * recycled (a write never allocates a big array once the pool is warm) and the number handed out never
 * exceeds the capacity. A writer that finds the pool empty asks for flushes ({@code onFull}) and waits
 * outside any file lock for pages to come back.
 */
public final class WriteBufferPool {
    private final int pageSize;
    private final long maxPages;
    private final Runnable onFull;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private long pagesOut;
    private long peakPagesOut;

    WriteBufferPool(long capacityBytes, int pageSize, Runnable onFull) {
        this.pageSize = pageSize;
        this.maxPages = capacityBytes / pageSize;
        this.onFull = onFull;
    }

    public int pageSize() {
        return pageSize;
    }

    public long capacityBytes() {
        return maxPages * pageSize;
    }

    public synchronized long usedBytes() {
        return pagesOut * pageSize;
    }

    /** The most bytes ever handed out at once. */
    public synchronized long peakUsedBytes() {
        return peakPagesOut * pageSize;
    }

    /** A page, or null when the pool is exhausted (never blocks: callers may hold a file lock). */
    synchronized byte[] tryAcquire() {
        if (pagesOut >= maxPages) {
            return null;
        }
        pagesOut++;
        peakPagesOut = Math.max(peakPagesOut, pagesOut);
        byte[] page = free.pollFirst();
        return page != null ? page : new byte[pageSize];
    }

    synchronized void release(byte[] page) {
        pagesOut--;
        free.addFirst(page);
        notifyAll();
    }

    /**
     * Called by a writer that got no page: triggers flushes, then waits until a page is free or the
     * deadline (System.nanoTime) passes. Returns false at the deadline.
     */
    boolean awaitPage(long deadline) throws InterruptedIOException {
        onFull.run();
        synchronized (this) {
            while (pagesOut >= maxPages) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for write buffer space");
                }
            }
            return true;
        }
    }
}
