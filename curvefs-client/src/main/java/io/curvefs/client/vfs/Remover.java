package io.curvefs.client.vfs;

import io.curvefs.common.meta.RenameTx;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

import java.util.List;

/**
 * link(2), unlink(2) and rmdir(2) of an entry whose inode lives in another partition than its directory
 * (after a rename across partitions, or when the directory's partition was full at create): the name and
 * the link count change in one rename transaction ({@link RenameTx}), so a crash of this client cannot
 * leave a name without its link count, or a link count without its name (an inode nothing reclaims).
 * Checked here first for clear errors; the metaserver checks again at prepare, and its answer counts.
 */
final class Remover {
    /** Plans made for one removal when other mounts keep changing the name meanwhile. */
    private static final int MAX_PLANS = 8;

    private final Vfs vfs;
    private final RenameTx tx;

    Remover(Vfs vfs) {
        this.vfs = vfs;
        this.tx = new RenameTx(vfs.meta, RenameTx.DEFAULT_TTL_MS, step -> { });
    }

    /** A new name for {@code inode}; EEXIST when the name exists (also when another mount just made it). */
    void link(long parent, String name, Inode inode, Time time) {
        for (int plan = 1; ; plan++) {
            try {
                tx.link(parent, name, inode.getInodeId(), inode.getType(), time);
                return;
            } catch (RpcException e) {
                if (e.code() != StatusCode.TX_CONFLICT || plan == MAX_PLANS) {
                    throw e;
                }
            }
            if (exists(parent, name)) {
                throw new VfsException(Errno.EEXIST, "'" + name + "' exists in " + parent);
            }
        }
    }

    private boolean exists(long parent, String name) {
        try {
            vfs.lookupFresh(parent, name);
            return true;
        } catch (RpcException e) {
            if (e.code() == StatusCode.DENTRY_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    Vfs.Removed remove(Caller c, long parent, String name, boolean directory, boolean keep) {
        for (int plan = 1; ; plan++) {
            Inode victim = vfs.lookupFresh(parent, name);
            long ino = victim.getInodeId();
            boolean isDir = Modes.isDir(victim.getMode());
            if (directory) {
                vfs.requireEmptyDir(victim, name);
            } else if (isDir) {
                throw new VfsException(Errno.EISDIR, "'" + name + "' is a directory");
            }
            vfs.requireMayDelete(c, parent, victim);
            RenameTx.Removal removal = new RenameTx.Removal(parent, name, ino, victim.getType(), keep && !isDir,
                    c.uid());
            List<Inode> deleted;
            try {
                deleted = vfs.changing(parent, () -> tx.remove(removal, Clock.now()), l -> l.removed(parent, name));
            } catch (RpcException e) {
                if (e.code() != StatusCode.TX_CONFLICT || plan == MAX_PLANS) {
                    throw e;
                }
                continue;
            }
            vfs.cache.dropEntry(parent, name);
            vfs.cache.dropAttr(parent);
            Inode gone = deleted.stream().filter(i -> i.getInodeId() == ino).findFirst().orElse(null);
            if (gone != null || isDir) {
                return new Vfs.Removed(ino, gone, true);
            }
            return new Vfs.Removed(ino, vfs.fetch(ino), false);
        }
    }
}
