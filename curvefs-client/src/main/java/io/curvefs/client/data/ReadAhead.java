package io.curvefs.client.data;

/**
 * Detects sequential reading on one open file and says what to prefetch. A read that starts where the
 * previous one ended (give or take the small reordering of the kernel's parallel reads) continues the
 * stream; the window is refilled once half of it has been consumed, so prefetches are few and large.
 */
final class ReadAhead {
    private static final long REORDER_SLACK = 1L << 20;

    private final long window;
    private long nextExpected = -1;
    private long prefetchedTo;

    ReadAhead(long window) {
        this.window = window;
    }

    /** Records a read of n bytes at offset; returns {from, to} to prefetch, or null. */
    synchronized long[] onRead(long offset, int n) {
        boolean sequential = offset == 0 || (nextExpected >= 0 && Math.abs(offset - nextExpected) <= REORDER_SLACK);
        long end = offset + n;
        nextExpected = Math.max(end, nextExpected);
        if (!sequential || n == 0 || window <= 0) {
            prefetchedTo = 0;
            return null;
        }
        long from = Math.max(prefetchedTo, end);
        long to = end + window;
        if (to - from < window / 2) {
            return null;
        }
        prefetchedTo = to;
        return new long[] {from, to};
    }
}
