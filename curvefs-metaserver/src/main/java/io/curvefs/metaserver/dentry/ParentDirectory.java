package io.curvefs.metaserver.dentry;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

/**
 * How a directory inode changes when an entry is added or removed. The directory always lives in the
 * same partition as its entries (a dentry is stored in its parent's partition).
 */
public final class ParentDirectory {
    private ParentDirectory() {
    }

    /**
     * The parent inode, which must exist in this partition and be a directory that no rename transaction
     * is removing.
     */
    public static Inode require(MetaReader reader, PartitionState p, long parent) {
        Inode dir = InodeOperations.require(reader, p, parent);
        if (dir.getType() != FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_DIRECTORY, "inode " + parent + " is not a directory");
        }
        TxLocks.requireDirectoryUnlocked(reader, p, parent);
        return dir;
    }

    /** A subdirectory's ".." adds a link to its parent. */
    public static Inode linked(Inode dir, FsFileType childType, Time time) {
        Inode.Builder b = touched(dir, time);
        if (childType == FsFileType.TYPE_DIRECTORY) {
            b.setNlink(dir.getNlink() + 1);
        }
        return b.build();
    }

    public static Inode unlinked(Inode dir, FsFileType childType, Time time) {
        Inode.Builder b = touched(dir, time);
        if (childType == FsFileType.TYPE_DIRECTORY && dir.getNlink() > 2) {
            b.setNlink(dir.getNlink() - 1);
        }
        return b.build();
    }

    private static Inode.Builder touched(Inode dir, Time time) {
        return dir.toBuilder().setMtime(time.getSec()).setMtimeNs(time.getNsec())
                .setCtime(time.getSec()).setCtimeNs(time.getNsec());
    }
}
