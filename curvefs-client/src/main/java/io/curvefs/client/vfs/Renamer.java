package io.curvefs.client.vfs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.Time;

/**
 * rename(2). When both parents live in one partition (always within one directory, and usually across
 * directories) the metaserver does it in one raft command with the POSIX checks (EISDIR, ENOTDIR,
 * ENOTEMPTY, EINVAL for a directory moved into its own subtree, the sticky bit): atomic, and no other
 * mount sees a half-done rename. This class adds the subtree check for ancestors in other partitions
 * and updates the inodes that live elsewhere.
 *
 * <p><b>Across partitions it is not atomic yet</b>: the target is removed first, then the new name is
 * created, then the old one deleted, so a crash between steps can leave the target removed with the
 * source still under its old name, or the entry visible under both names. The prepare/commit rename
 * transaction of DESIGN.md §4 replaces {@link #renameInSteps}.
 */
final class Renamer {
    /** Bounds the walk up the tree in the subtree check, in case the parent chain were ever cyclic. */
    private static final int MAX_DEPTH = 4096;

    private final Vfs vfs;

    Renamer(Vfs vfs) {
        this.vfs = vfs;
    }

    void rename(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        if (vfs.meta.samePartition(srcParent, dstParent)) {
            Inode src = vfs.lookup(srcParent, srcName);
            if (Modes.isDir(src.getMode()) && srcParent != dstParent) {
                requireNotInSubtree(src.getInodeId(), dstParent);
            }
            Long target = vfs.cache.entry(dstParent, dstName);
            long keep = target != null && vfs.isHeld(target) ? target : 0;
            Time now = Clock.now();
            try {
                applied(vfs.meta.renameLocal(srcParent, srcName, dstParent, dstName, c.uid(), keep, now),
                        srcParent, srcName, dstParent, dstName, now);
                return;
            } catch (RpcException e) {
                if (e.code() != StatusCode.CROSS_PARTITION) {
                    throw e;
                }
            }
        }
        renameInSteps(c, srcParent, srcName, dstParent, dstName);
    }

    /** Brings the caches up to date and updates what lives in other partitions. */
    private void applied(RenameResponse r, long srcParent, String srcName, long dstParent, String dstName, Time now) {
        vfs.cache.putAttr(r.getSrcParent());
        vfs.cache.putAttr(r.getDstParent());
        if (r.getNoop()) {
            return;
        }
        long ino = r.getMoved().getInodeId();
        vfs.cache.dropEntry(srcParent, srcName);
        vfs.cache.putEntry(dstParent, dstName, ino);
        vfs.cache.putAttr(r.getMovedLocal() ? r.getMovedInode() : movedElsewhere(ino, srcParent, dstParent, now));
        if (r.hasReplaced()) {
            vfs.nameRemoved(r.getReplaced().getInodeId(), dstParent, r.getReplacedLocal(), r.getReplacedInode(),
                    r.getReplacedDeleted(), now);
        }
    }

    private Inode movedElsewhere(long ino, long srcParent, long dstParent, Time now) {
        return vfs.meta.updateInode(ino, b -> {
            b.setCtime(now);
            if (srcParent != dstParent) {
                b.addParentRemove(srcParent).addParentAdd(dstParent);
            }
        });
    }

    private void renameInSteps(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        Inode src = vfs.lookupFresh(srcParent, srcName);
        Inode dst = existing(dstParent, dstName);
        if (dst != null && dst.getInodeId() == src.getInodeId()) {
            return; // two names of one inode: POSIX says rename does nothing
        }
        boolean srcIsDir = Modes.isDir(src.getMode());
        if (srcIsDir) {
            requireNotInSubtree(src.getInodeId(), dstParent);
        }
        vfs.requireMayDelete(c, srcParent, src);
        Time now = Clock.now();
        if (dst != null) {
            boolean dstIsDir = Modes.isDir(dst.getMode());
            if (srcIsDir && !dstIsDir) {
                throw new VfsException(Errno.ENOTDIR, "cannot replace non-directory '" + dstName + "' by a directory");
            }
            if (!srcIsDir && dstIsDir) {
                throw new VfsException(Errno.EISDIR, "cannot replace directory '" + dstName + "' by a non-directory");
            }
            if (dstIsDir) {
                vfs.requireEmptyDir(dst, dstName);
            }
            vfs.requireMayDelete(c, dstParent, dst);
            vfs.removeName(dstParent, dstName);
            if (dstIsDir) {
                vfs.deleteInode(dst.getInodeId());
            } else {
                vfs.nameRemoved(dst.getInodeId(), dstParent, false, null, false, now);
            }
        }
        vfs.meta.createDentry(Dentry.newBuilder().setParentInodeId(dstParent).setName(dstName)
                .setInodeId(src.getInodeId()).setType(src.getType()).build(), now);
        vfs.removeName(srcParent, srcName);
        vfs.cache.putAttr(movedElsewhere(src.getInodeId(), srcParent, dstParent, now));
        vfs.cache.putEntry(dstParent, dstName, src.getInodeId());
        vfs.cache.dropAttr(dstParent);
    }

    private Inode existing(long parent, String name) {
        try {
            return vfs.lookupFresh(parent, name);
        } catch (RpcException e) {
            if (e.code() == StatusCode.DENTRY_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** EINVAL when {@code dstParent} is {@code dir} or lies below it (following the parents to the root). */
    private void requireNotInSubtree(long dir, long dstParent) {
        long at = dstParent;
        for (int depth = 0; depth < MAX_DEPTH && at != Vfs.ROOT; depth++) {
            if (at == dir) {
                throw new VfsException(Errno.EINVAL, "cannot move directory " + dir + " into its own subtree");
            }
            Inode inode = vfs.getattr(at);
            if (inode.getParentCount() == 0) {
                return;
            }
            at = inode.getParent(0);
        }
    }
}
