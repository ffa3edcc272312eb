package io.curvefs.metaserver.recycle;

import io.curvefs.common.meta.RecycleNames;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;

/**
 * What the metaserver itself refuses around the recycle directory (inode 2), whichever client asks (the
 * mounts refuse more, e.g. anything below an hour directory, which needs the way up the tree): the
 * directory is never removed, renamed or replaced, and its only entries are hour directories. Decided from
 * the request and the partition's records alone, so every replica applies it alike.
 */
public final class RecycleDir {
    private RecycleDir() {
    }

    /** The entry names inode 2: it is not removed, moved or replaced, by anyone. */
    public static void requireNotRecycle(Dentry d) {
        if (d.getInodeId() == RecycleNames.INODE) {
            throw new RpcException(StatusCode.NOT_PERMITTED, "'" + d.getName() + "' is the recycle directory");
        }
    }

    /** A new entry {@code name} of {@code type} in {@code parent}: in inode 2 only hour directories. */
    public static void requirePlaceable(long parent, String name, FsFileType type) {
        if (parent == RecycleNames.INODE
                && (type != FsFileType.TYPE_DIRECTORY || RecycleNames.hourStart(name).isEmpty())) {
            throw new RpcException(StatusCode.NOT_PERMITTED,
                    "the recycle directory holds only hour directories, not '" + name + "'");
        }
    }
}
