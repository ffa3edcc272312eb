package io.curvefs.client.vfs;

import io.curvefs.common.meta.RenameTx;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

/**
 * link(2) of an inode that lives in another partition than the new name's directory: the name and the
 * link count change in one rename transaction ({@link RenameTx}), so a crash of this client cannot leave
 * a name without its link count, or a link count without its name (an inode nothing reclaims). Removing
 * such names is {@link io.curvefs.common.meta.EntryRemover}'s job (a metaserver job needs it too).
 */
final class Linker {
    /** Plans made for one link when other mounts keep changing the name meanwhile. */
    private static final int MAX_PLANS = 8;

    private final Vfs vfs;
    private final RenameTx tx;

    Linker(Vfs vfs) {
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
}
