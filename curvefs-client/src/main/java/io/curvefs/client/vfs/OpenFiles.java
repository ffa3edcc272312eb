package io.curvefs.client.vfs;

import io.curvefs.client.data.FileHandle;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mount's open files: handle number (what FUSE keeps in fi.fh) -> data handle, and how many
 * handles each inode has, which decides whether an inode whose last name went away may be deleted
 * now or only at its last release.
 */
final class OpenFiles {
    private final AtomicLong nextFh = new AtomicLong(1);
    private final Map<Long, FileHandle> handles = new ConcurrentHashMap<>();
    /** Handles opened with O_SYNC or O_DSYNC: each write is flushed before it returns. */
    private final Set<Long> syncHandles = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> opensByInode = new ConcurrentHashMap<>();

    long add(FileHandle handle, boolean sync) {
        long fh = nextFh.getAndIncrement();
        opensByInode.merge(handle.inode(), 1, Integer::sum);
        if (sync) {
            syncHandles.add(fh);
        }
        handles.put(fh, handle);
        return fh;
    }

    boolean isSync(long fh) {
        return syncHandles.contains(fh);
    }

    FileHandle get(long fh) {
        FileHandle h = handles.get(fh);
        if (h == null) {
            throw new VfsException(Errno.EBADF, "no open file with handle " + fh);
        }
        return h;
    }

    /** Forgets the handle; returns it, or null when it was not open. */
    FileHandle remove(long fh) {
        FileHandle h = handles.remove(fh);
        syncHandles.remove(fh);
        if (h != null) {
            opensByInode.computeIfPresent(h.inode(), (ino, n) -> n == 1 ? null : n - 1);
        }
        return h;
    }

    boolean anyOpen() {
        return !handles.isEmpty();
    }

    boolean isOpen(long ino) {
        return opensByInode.containsKey(ino);
    }

    /** The inodes with a handle open now. */
    java.util.Collection<Long> openInodes() {
        return java.util.List.copyOf(opensByInode.keySet());
    }

    /**
     * Any open handle of the inode, or null. A scan, but only of this mount's open handles, and only for
     * inodes known to be open; an index by inode comes when many open files make it show.
     */
    FileHandle anyHandle(long ino) {
        if (!isOpen(ino)) {
            return null;
        }
        for (FileHandle h : handles.values()) {
            if (h.inode() == ino) {
                return h;
            }
        }
        return null;
    }
}
