package io.curvefs.client.vfs;

import io.curvefs.common.meta.RenameTx;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.Time;

import java.util.ArrayList;
import java.util.List;

/**
 * rename(2). When both parents live in one partition (always within one directory, and usually across
 * directories) the metaserver does it in one raft command with the POSIX checks (EISDIR, ENOTDIR,
 * ENOTEMPTY, EINVAL for a directory moved into its own subtree, the sticky bit): atomic, and no other
 * mount sees a half-done rename.
 *
 * <p>Across partitions it is the prepare/commit transaction {@link RenameTx}: atomic too, and safe
 * against a crash of this client at any step. So is it when the one command cannot do it alone
 * (CROSS_PARTITION): the moved or the replaced inode lives in another partition, or a directory's way
 * from its new parent to the root leaves the partition.
 */
final class Renamer {
    /** Bounds the walk up the tree in the subtree check, in case the parent chain were ever cyclic. */
    private static final int MAX_DEPTH = 4096;
    /** Plans made for one rename when other mounts keep changing its names meanwhile. */
    private static final int MAX_PLANS = 8;

    private final Vfs vfs;
    private final RenameTx tx;

    Renamer(Vfs vfs) {
        this.vfs = vfs;
        this.tx = new RenameTx(vfs.meta, RenameTx.DEFAULT_TTL_MS, step -> { });
    }

    /** False when nothing changed: both names are links of one inode. */
    boolean rename(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        if (vfs.meta.samePartition(srcParent, dstParent)) {
            Long target = vfs.cache.entry(dstParent, dstName);
            long keep = target != null && vfs.isHeld(target) ? target : 0;
            Time now = Clock.now();
            try {
                return applied(vfs.meta.renameLocal(srcParent, srcName, dstParent, dstName, c.uid(), keep, now),
                        srcParent, srcName, dstParent, dstName);
            } catch (RpcException e) {
                if (e.code() != StatusCode.CROSS_PARTITION) {
                    throw e;
                }
            }
        }
        return renameAcross(c, srcParent, srcName, dstParent, dstName);
    }

    /** Brings the caches up to date; false when the rename changed nothing. */
    private boolean applied(RenameResponse r, long srcParent, String srcName, long dstParent, String dstName) {
        vfs.cache.putAttr(r.getSrcParent());
        vfs.cache.putAttr(r.getDstParent());
        if (r.getNoop()) {
            return false;
        }
        long ino = r.getMoved().getInodeId();
        vfs.cache.dropEntry(srcParent, srcName);
        vfs.cache.putEntry(dstParent, dstName, ino);
        if (r.getMovedLocal()) {
            vfs.cache.putAttr(r.getMovedInode());
        } else {
            vfs.cache.dropAttr(ino);
        }
        if (r.hasReplaced()) {
            vfs.nameRemoved(r.getReplaced().getInodeId(), r.getReplacedLocal() ? r.getReplacedInode() : null,
                    r.getReplacedDeleted());
        }
        return true;
    }

    /**
     * The rename transaction: planned from fresh lookups, checked here first for clear errors (the
     * metaserver checks again at prepare, and its answer counts), and planned again when the names
     * changed between the lookups and the prepare.
     */
    private boolean renameAcross(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        for (int plan = 1; ; plan++) {
            Inode src = vfs.lookupFresh(srcParent, srcName);
            Inode dst = existing(dstParent, dstName);
            if (dst != null && dst.getInodeId() == src.getInodeId()) {
                return false; // two names of one inode: POSIX says rename does nothing
            }
            boolean srcIsDir = Modes.isDir(src.getMode());
            List<RenameTx.Ancestor> way = srcIsDir && srcParent != dstParent
                    ? wayToRoot(src.getInodeId(), dstParent) : List.of();
            vfs.requireMayDelete(c, srcParent, src);
            if (dst != null) {
                requireReplaceable(c, srcIsDir, dst, dstParent, dstName);
            }
            Time now = Clock.now();
            long victim = dst == null ? 0 : dst.getInodeId();
            RenameTx.Plan p = new RenameTx.Plan(srcParent, srcName, dstParent, dstName, src.getInodeId(),
                    src.getType(), victim, dst == null ? FsFileType.TYPE_UNSPECIFIED : dst.getType(),
                    victim != 0 && vfs.isHeld(victim), c.uid(), way);
            try {
                List<Inode> deleted = tx.run(p, now);
                committed(src.getInodeId(), srcParent, srcName, dstParent, dstName, victim, deleted);
                return true;
            } catch (RpcException e) {
                if (e.code() != StatusCode.TX_CONFLICT || plan == MAX_PLANS) {
                    throw e;
                }
            }
        }
    }

    private void requireReplaceable(Caller c, boolean srcIsDir, Inode dst, long dstParent, String dstName) {
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
    }

    /** Brings the caches up to date after a committed transaction; the replaced inode's objects are reclaimed. */
    private void committed(long ino, long srcParent, String srcName, long dstParent, String dstName, long victim,
                           List<Inode> deleted) {
        vfs.cache.dropEntry(srcParent, srcName);
        vfs.cache.putEntry(dstParent, dstName, ino);
        vfs.cache.dropAttr(srcParent);
        vfs.cache.dropAttr(dstParent);
        vfs.cache.dropAttr(ino);
        for (Inode gone : deleted) {
            vfs.nameRemoved(gone.getInodeId(), gone, true);
        }
        if (victim != 0 && deleted.stream().noneMatch(i -> i.getInodeId() == victim)) {
            vfs.nameRemoved(victim, vfs.fetch(victim), false);
        }
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

    /**
     * The directories from {@code dstParent} up to the root, each with its parent, read fresh from the
     * metaservers (the transaction holds them as read, and fails with TX_CONFLICT if one moved since);
     * EINVAL when {@code dir} is among them, i.e. the new parent lies in its own subtree.
     */
    private List<RenameTx.Ancestor> wayToRoot(long dir, long dstParent) {
        List<RenameTx.Ancestor> way = new ArrayList<>();
        long at = dstParent;
        for (int depth = 0; depth < MAX_DEPTH && at != Vfs.ROOT; depth++) {
            if (at == dir) {
                throw new VfsException(Errno.EINVAL, "cannot move directory " + dir + " into its own subtree");
            }
            Inode inode = vfs.meta.getInode(at, false);
            if (inode.getParentCount() == 0) {
                break;
            }
            way.add(new RenameTx.Ancestor(at, inode.getParent(0)));
            at = inode.getParent(0);
        }
        return way;
    }
}
