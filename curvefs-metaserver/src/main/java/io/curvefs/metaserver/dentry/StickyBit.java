package io.curvefs.metaserver.dentry;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Inode;

/** In a directory with the sticky bit only root, the directory's owner and the entry's owner remove an entry. */
public final class StickyBit {
    private static final int S_ISVTX = 01000;

    private StickyBit() {
    }

    /** {@code victim} null: the entry's inode lives in another partition and the caller checked it. */
    public static void check(Inode dir, Inode victim, int callerUid) {
        if ((dir.getMode() & S_ISVTX) == 0 || callerUid == 0 || callerUid == dir.getUid()) {
            return;
        }
        if (victim != null && callerUid != victim.getUid()) {
            throw new RpcException(StatusCode.NOT_PERMITTED, "sticky directory " + dir.getInodeId()
                    + ": uid " + callerUid + " owns neither it nor inode " + victim.getInodeId());
        }
    }
}
