package io.curvefs.client.vfs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

/**
 * rename(2) with the POSIX checks (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL for a directory moved into its own
 * subtree, the sticky bit) built from the metaserver operations that exist today: the target is removed
 * first, then the new name is created, then the old one deleted.
 *
 * <p><b>Not atomic.</b> The metaserver has no rename operation yet, so a crash or an RPC failure between
 * the steps can leave the target removed with the source still under its old name, or the entry
 * visible under both names (with nlink counting one), and another mount may observe the intermediate
 * states. The prepare/commit rename transaction of DESIGN.md §4 (issue 4) replaces this class's
 * sequence; the checks stay.
 */
final class Renamer {
    /** Bounds the walk up the tree in the subtree check, in case the parent chain were ever cyclic. */
    private static final int MAX_DEPTH = 4096;

    private final Vfs vfs;

    Renamer(Vfs vfs) {
        this.vfs = vfs;
    }

    void rename(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
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
                vfs.dropLink(dst.getInodeId(), dstParent);
            }
        }
        Time now = Clock.now();
        vfs.meta.createDentry(Dentry.newBuilder().setParentInodeId(dstParent).setName(dstName)
                .setInodeId(src.getInodeId()).setType(src.getType()).build(), now);
        vfs.removeName(srcParent, srcName);
        Inode moved = vfs.meta.updateInode(src.getInodeId(), b -> {
            b.setCtime(now);
            if (srcParent != dstParent) {
                b.addParentRemove(srcParent).addParentAdd(dstParent);
            }
        });
        vfs.cache.putAttr(moved);
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
