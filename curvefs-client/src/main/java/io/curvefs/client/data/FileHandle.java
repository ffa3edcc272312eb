package io.curvefs.client.data;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open of one file (what the FUSE layer keeps per file handle). Handles of the same inode share
 * one {@link FileData}, so they see each other's unflushed writes; each handle has its own sequential
 * read-ahead. Thread-safe: the FUSE layer may call it from several threads.
 */
public final class FileHandle {
    private final FileData file;
    private final DataStore store;
    private final ReadAhead readAhead;
    private volatile boolean released;
    /** Whether this handle changed the file; only then does closing it have anything of its own to flush. */
    private volatile boolean wrote;

    FileHandle(FileData file, DataStore store, long readAheadBytes) {
        this.file = file;
        this.store = store;
        this.readAhead = new ReadAhead(readAheadBytes);
    }

    public long inode() {
        return file.ino;
    }

    /**
     * Reads up to dst.remaining() bytes at offset into dst, advancing its position. Returns the number
     * of bytes read: short only at the end of the file, 0 at or beyond it.
     */
    public int read(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        int n = file.read(offset, dst);
        long[] prefetch = readAhead.onRead(offset, n);
        if (prefetch != null) {
            file.prefetch(prefetch[0], prefetch[1]);
        }
        return n;
    }

    /**
     * Writes all of src at offset into the write-back buffer (consuming src). Returns once the bytes are
     * buffered, not durable: call {@link #flush()} for that. Waits (bounded) when the mount's buffer is
     * full and throws IOException if no space frees up in time.
     */
    public void write(long offset, ByteBuffer src) throws IOException {
        ensureOpen();
        wrote = true;
        file.write(offset, src);
    }

    /** Writes all of src at the end of the file (O_APPEND), atomically with other appenders; returns the offset used. */
    public long append(ByteBuffer src) throws IOException {
        ensureOpen();
        wrote = true;
        return file.append(src);
    }

    /**
     * Makes every write of this inode made so far in this mount, and its length, durable: uploads then
     * commits the chunk infos. Throws IOException (data stays buffered, a later flush retries).
     */
    public void flush() throws IOException {
        ensureOpen();
        file.flush();
    }

    /** Sets the file length (both directions) and commits it; see package-info for the zero info. */
    public void truncate(long newLength) throws IOException {
        ensureOpen();
        if (newLength < 0) {
            throw new IllegalArgumentException("negative length " + newLength);
        }
        wrote = true;
        file.truncate(newLength);
    }

    /** The length as seen in this mount, unflushed writes included. */
    public long length() {
        return file.length();
    }

    /** Whether this mount holds writes (or a length) of the file that are not committed yet, by any handle. */
    public boolean hasUnflushed() {
        return !file.isClean();
    }

    public boolean hasWritten() {
        return wrote;
    }

    /**
     * Closes the handle: flushes what it wrote (close-to-open; a reader's close waits for nobody's data)
     * and drops the reference. If the flush fails the data stays buffered in the mount and the
     * background flusher keeps retrying; the error is thrown so the caller can log it. Idempotent.
     */
    public void release() throws IOException {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        store.release(file, wrote);
    }

    /** A released handle no longer holds its reference: using it could create a second buffer for the inode. */
    private void ensureOpen() {
        if (released) {
            throw new IllegalStateException("handle of inode " + file.ino + " used after release");
        }
    }
}
