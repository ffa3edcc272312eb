package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.Modes;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.client.vfs.VfsException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The requests on open files. Close-to-open across mounts: an open reads the inode fresh; when its
 * size or times are not what the kernel was last told (another mount wrote the file), the kernel's
 * attributes are invalidated before the reply and its cached pages dropped (no KEEP_CACHE), so the
 * first read sees the new length and bytes. Data moves between the kernel's buffers and the data path
 * without a copy of its own.
 */
final class FileOps {
    private final Vfs vfs;
    private final Nodes nodes;
    private final NodeOps entries;

    FileOps(Vfs vfs, Nodes nodes, NodeOps entries) {
        this.vfs = vfs;
        this.nodes = nodes;
        this.entries = entries;
    }

    /** struct fuse_open_in {flags, open_flags}. */
    void open(Request q, Reply r) throws IOException {
        long ino = q.nodeid;
        boolean openHere = vfs.isOpen(ino);
        Vfs.Opened opened = vfs.open(ino, q.u32(0));
        if (opened.inode().getNlink() == 0 && !openHere) {
            // a name the kernel still caches but another mount removed: it looks the name up again
            vfs.release(opened.fh());
            vfs.forgetNames(ino);
            throw new VfsException(Errno.ESTALE, "inode " + ino + " has no name left");
        }
        boolean killed = (q.u32(4) & Protocol.OPEN_KILL_SUIDGID) != 0 && vfs.killSuidGid(ino);
        if (killed) {
            r.invalidateInode(ino, -1, 0);
        }
        int openFlags = keepCache(r, opened);   // may send a notification through r: before the reply is built
        r.start(q.unique).open(opened.fh(), openFlags).send();
    }

    /**
     * KEEP_CACHE when the kernel's view is current; else its attributes are invalidated now, before the
     * open's reply (attributes only, offset -1: that takes no lock the open might hold), and the reply
     * without KEEP_CACHE drops its pages.
     */
    private int keepCache(Reply r, Vfs.Opened opened) {
        if (!nodes.differs(opened.inode())) {
            return Protocol.FOPEN_KEEP_CACHE;
        }
        r.invalidateInode(opened.inode().getInodeId(), -1, 0);
        nodes.told(opened.inode());
        return 0;
    }

    /** struct fuse_create_in {flags, mode, umask, open_flags}, then the name: an entry and an open in one reply. */
    void create(Request q, Reply r) throws IOException {
        Vfs.Opened opened = vfs.create(q.caller(q.u32(8)), q.nodeid, q.name(16), q.u32(4), q.u32(0));
        if (!Modes.isRegular(opened.inode().getMode())) {
            // another mount made something else of the name since the kernel looked it up: the kernel
            // takes nothing but a file from a create, so it should look the name up again and open that
            vfs.release(opened.fh());
            throw new VfsException(Errno.ESTALE, "'" + q.name(16) + "' is no regular file");
        }
        r.start(q.unique).entry(opened.inode(), entries.entryNanos(), entries.attrNanos()).open(opened.fh(), 0);
        if (!entries.sendNaming(r, opened.inode())) {
            vfs.release(opened.fh());
        }
    }

    /** struct fuse_read_in {fh, offset, size, read_flags, lock_owner, flags, padding}: the bytes go into the reply. */
    void read(Request q, Reply r) throws IOException {
        int size = q.u32(16);
        r.start(q.unique);
        ByteBuffer room = r.room(size);
        int n = vfs.read(q.u64(0), q.u64(8), room);
        r.skip(n);
        r.send();
    }

    /** struct fuse_write_in {fh, offset, size, write_flags, lock_owner, flags, padding}, then the data. */
    void write(Request q, Reply r) throws IOException {
        int size = q.u32(16);
        if ((q.u32(20) & Protocol.WRITE_KILL_SUIDGID) != 0 && vfs.killSuidGid(q.nodeid)) {
            // the kernel caches the mode with the set-ID bits: it asks again (attributes only, no lock)
            r.invalidateInode(q.nodeid, -1, 0);
        }
        vfs.write(q.u64(0), q.u64(8), q.slice(Protocol.WRITE_IN, size));
        r.start(q.unique).u32(size).u32(0).send();
    }

    /**
     * struct fuse_flush_in {fh, unused, padding, lock_owner}: one close(2) of a descriptor, which also
     * drops the closing process's record locks on the file (POSIX), even when the flush failed.
     */
    void flush(Request q, Reply r) throws IOException {
        try {
            vfs.flush(q.u64(0));
        } finally {
            vfs.unlockOwner(q.u64(0), q.u64(16), false);
        }
        r.ok(q.unique);
    }

    /** struct fuse_release_in {fh, flags, release_flags, lock_owner}: the last close of the open (and its flock). */
    void release(Request q, Reply r) throws IOException {
        try {
            if ((q.u32(12) & Protocol.RELEASE_FLOCK_UNLOCK) != 0) {
                vfs.unlockOwner(q.u64(0), q.u64(16), true);
            }
        } finally {
            vfs.release(q.u64(0));
        }
        r.ok(q.unique);
    }

    /** struct fuse_fsync_in {fh, fsync_flags, padding}: data and metadata alike. */
    void fsync(Request q, Reply r) throws IOException {
        vfs.fsync(q.u64(0));
        r.ok(q.unique);
    }

    /** struct fuse_fallocate_in {fh, offset, length, mode, padding}. */
    void fallocate(Request q, Reply r) throws IOException {
        vfs.fallocate(q.u64(0), q.u32(24), q.u64(8), q.u64(16));
        r.ok(q.unique);
    }
}
