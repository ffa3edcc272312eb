package io.curvefs.client.data;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of non-overlapping dirty extents of one file, ordered by offset. A file has one open layer
 * that takes writes, and the layers sealed by flushes still in progress (or that failed and wait for a
 * retry); a newer layer shadows an older one. Guarded by the owning file's lock.
 */
final class DirtyLayer {
    private final int pageSize;
    private final TreeMap<Long, DirtyExtent> extents = new TreeMap<>();
    private long bytes;

    DirtyLayer(int pageSize) {
        this.pageSize = pageSize;
    }

    boolean isEmpty() {
        return extents.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    Collection<DirtyExtent> extents() {
        return extents.values();
    }

    /**
     * Writes src at file offset off: bytes already dirty are overwritten in place, gaps extend the
     * extent that ends right before them or start a new one. Returns how many bytes were taken, fewer
     * than src.remaining() only when the pool ran out of pages (src is advanced accordingly).
     */
    int write(long off, ByteBuffer src, WriteBufferPool pool) {
        long end = off + src.remaining();
        long pos = off;
        while (pos < end) {
            Map.Entry<Long, DirtyExtent> floor = extents.floorEntry(pos);
            DirtyExtent before = floor == null ? null : floor.getValue();
            if (before != null && before.end() > pos) {
                int n = (int) (Math.min(end, before.end()) - pos);
                before.overwrite(pos - before.start, src, n);
                pos += n;
                continue;
            }
            Long next = extents.higherKey(pos);
            long limit = next == null ? end : Math.min(end, next);
            boolean extend = before != null && before.end() == pos;
            DirtyExtent target = extend ? before : new DirtyExtent(pos, pageSize);
            int want = (int) (limit - pos);
            int n = target.append(src, want, pool);
            if (n > 0 && !extend) {
                extents.put(pos, target);
            }
            bytes += n;
            pos += n;
            if (n < want) {
                break;
            }
        }
        return (int) (pos - off);
    }

    /**
     * Copies the dirty bytes within [off, off + len) to dst (file offset off goes to absolute index
     * dstBase) and adds the covered ranges to {@code covered} as {start, end} pairs.
     */
    void copyOut(long off, int len, ByteBuffer dst, int dstBase, List<long[]> covered) {
        long end = off + len;
        Long first = extents.floorKey(off);
        for (DirtyExtent e : extents.tailMap(first == null ? off : first, true).values()) {
            if (e.start >= end) {
                break;
            }
            long s = Math.max(off, e.start);
            long t = Math.min(end, e.end());
            if (s < t) {
                e.copyOut(s - e.start, dst, dstBase + (int) (s - off), (int) (t - s));
                covered.add(new long[] {s, t});
            }
        }
    }

    /** Drops every dirty byte at or beyond newLength. */
    void truncate(long newLength, WriteBufferPool pool) {
        List<Long> drop = new ArrayList<>(extents.tailMap(newLength, true).keySet());
        for (Long key : drop) {
            DirtyExtent e = extents.remove(key);
            bytes -= e.length();
            e.free(pool);
        }
        Map.Entry<Long, DirtyExtent> last = extents.lastEntry();
        if (last != null && last.getValue().end() > newLength) {
            DirtyExtent e = last.getValue();
            bytes -= e.end() - newLength;
            e.shrink(newLength - e.start, pool);
        }
    }

    void free(WriteBufferPool pool) {
        for (DirtyExtent e : extents.values()) {
            e.free(pool);
        }
        extents.clear();
        bytes = 0;
    }
}
