package io.curvefs.client.data;

import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * One contiguous range of dirty file bytes, stored in pool pages (byte i of the extent is at
 * pages[i / pageSize][i % pageSize]). It grows at its end as a sequential writer appends, which is the
 * common case and costs no copy beyond the one from the caller's buffer. Not thread-safe: guarded by
 * the owning file's lock, or immutable once its layer is sealed for a flush.
 */
final class DirtyExtent {
    final long start;
    private final int pageSize;
    private final ArrayList<byte[]> pages = new ArrayList<>();
    private long length;

    DirtyExtent(long start, int pageSize) {
        this.start = start;
        this.pageSize = pageSize;
    }

    long length() {
        return length;
    }

    long end() {
        return start + length;
    }

    /** Replaces bytes [rel, rel + n) of the extent with the next n bytes of src. */
    void overwrite(long rel, ByteBuffer src, int n) {
        while (n > 0) {
            byte[] page = pages.get((int) (rel / pageSize));
            int at = (int) (rel % pageSize);
            int c = Math.min(n, pageSize - at);
            src.get(page, at, c);
            rel += c;
            n -= c;
        }
    }

    /** Appends up to n bytes of src; returns fewer when the pool runs out of pages. */
    int append(ByteBuffer src, int n, WriteBufferPool pool) {
        int done = 0;
        while (done < n) {
            int at = (int) (length % pageSize);
            if (at == 0 && length / pageSize == pages.size()) {
                byte[] page = pool.tryAcquire();
                if (page == null) {
                    break;
                }
                pages.add(page);
            }
            int c = Math.min(n - done, pageSize - at);
            src.get(pages.get((int) (length / pageSize)), at, c);
            length += c;
            done += c;
        }
        return done;
    }

    /** Copies bytes [rel, rel + n) of the extent to dst at absolute index dstIndex. */
    void copyOut(long rel, ByteBuffer dst, int dstIndex, int n) {
        while (n > 0) {
            byte[] page = pages.get((int) (rel / pageSize));
            int at = (int) (rel % pageSize);
            int c = Math.min(n, pageSize - at);
            dst.put(dstIndex, page, at, c);
            rel += c;
            dstIndex += c;
            n -= c;
        }
    }

    /** Copies bytes [rel, rel + n) of the extent to a byte array; returns the count (n, capped at the end). */
    int copyOut(long rel, byte[] dst, int off, int n) {
        int total = (int) Math.min(n, length - rel);
        int left = total;
        while (left > 0) {
            byte[] page = pages.get((int) (rel / pageSize));
            int at = (int) (rel % pageSize);
            int c = Math.min(left, pageSize - at);
            System.arraycopy(page, at, dst, off, c);
            rel += c;
            off += c;
            left -= c;
        }
        return total;
    }

    /** Shortens the extent to newLength bytes and gives the pages it no longer needs back. */
    void shrink(long newLength, WriteBufferPool pool) {
        int keep = (int) ((newLength + pageSize - 1) / pageSize);
        while (pages.size() > keep) {
            pool.release(pages.remove(pages.size() - 1));
        }
        length = newLength;
    }

    void free(WriteBufferPool pool) {
        shrink(0, pool);
    }
}
