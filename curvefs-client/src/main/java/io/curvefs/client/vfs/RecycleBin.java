package io.curvefs.client.vfs;

import io.curvefs.common.meta.RecycleNames;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

import java.time.Instant;

/**
 * The recycle bin of a file system created with {@code --recycle-hours N > 0}. unlink and rmdir outside
 * {@code /.recycle} move the entry to {@code /.recycle/<UTC hour>/<parentIno>_<ino>_<name>} with an ordinary
 * rename (one raft command, or the rename transaction across partitions), so the inode, its data and the
 * open handles on it are untouched, and {@code mv} back restores it. Nobody, root included, creates,
 * links or renames anything into the bin or removes or renames {@code .recycle} itself (EPERM); removing
 * inside the bin deletes for real. The metaserver empties hour directories older than N hours.
 */
final class RecycleBin {
    /**
     * How far up from a directory {@link #holds} looks: below {@code .recycle} there are only hour
     * directories and, in them, the empty directories that rmdir moved there (nothing can be put into those).
     */
    private static final int LEVELS = 3;

    private final Vfs vfs;
    private final boolean enabled;

    RecycleBin(Vfs vfs, boolean enabled) {
        this.vfs = vfs;
        this.enabled = enabled;
    }

    /**
     * Whether removing {@code name} from {@code parent} is a move into the bin: the bin is on and
     * {@code parent} lies outside it. EPERM for {@code .recycle} itself.
     */
    boolean takes(long parent, String name) {
        if (!enabled) {
            return false;
        }
        requireNotBin(parent, name);
        return !holds(parent);
    }

    /** EPERM when the fs has a bin and {@code name} in {@code parent} is {@code /.recycle}. */
    void requireNotBin(long parent, String name) {
        if (enabled && parent == Vfs.ROOT && name.equals(RecycleNames.NAME)) {
            throw new VfsException(Errno.EPERM, "/" + RecycleNames.NAME + " is the recycle bin");
        }
    }

    /** EPERM when {@code dir} is the bin or lies below it: nothing is put there but by unlink and rmdir. */
    void requireOutside(long dir) {
        if (holds(dir)) {
            throw new VfsException(Errno.EPERM, "nothing can be put into the recycle bin (directory " + dir + ")");
        }
    }

    private boolean holds(long dir) {
        if (!enabled) {
            return false;
        }
        long at = dir;
        for (int level = 0; level < LEVELS && at != Vfs.ROOT; level++) {
            if (at == RecycleNames.INODE) {
                return true;
            }
            Inode inode = vfs.getattr(at);
            if (inode.getParentCount() == 0) {
                return false;
            }
            at = inode.getParent(0);
        }
        return at == RecycleNames.INODE;
    }

    /**
     * Moves the entry into the hour directory of now, as the caller (whose right to remove it the rename
     * checks). False when it did not move because the bin has that very inode under that name already
     * (a hard link made from the bin): the caller then removes the name for real.
     */
    boolean moveIn(Caller c, long parent, String name, Inode victim) {
        long hour = hourDir(Clock.now());
        return vfs.renamer.rename(c, parent, name, hour, RecycleNames.entryName(parent, victim.getInodeId(), name));
    }

    /** The hour directory, made on first use; another mount making it at the same time is fine. */
    private long hourDir(Time now) {
        String name = RecycleNames.hourName(Instant.ofEpochSecond(now.getSec()));
        try {
            return vfs.lookup(RecycleNames.INODE, name).getInodeId();
        } catch (RuntimeException e) {
            if (Errno.of(e) != Errno.ENOENT) {
                throw e;
            }
        }
        try {
            return vfs.createNodeAnywhere(Caller.ROOT, RecycleNames.INODE, name, RecycleNames.MODE, 0, "")
                    .getInodeId();
        } catch (RpcException e) {
            if (e.code() != StatusCode.DENTRY_EXIST) {
                throw e;
            }
            return vfs.lookupFresh(RecycleNames.INODE, name).getInodeId();
        }
    }
}
