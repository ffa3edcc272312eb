package io.curvefs.client.vfs;

import io.curvefs.proto.metaserver.Inode;

/** access(2)'s check: the owner, group or other bits (the first class the caller belongs to) against the mask. */
final class Permissions {
    static final int R_OK = 4;
    static final int W_OK = 2;
    static final int X_OK = 1;

    private Permissions() {
    }

    /** EACCES unless every bit of {@code mask} is granted; root may do all but execute a file no one may execute. */
    static void check(Caller c, Inode inode, int mask) {
        if ((mask & ~granted(c, inode)) != 0) {
            throw new VfsException(Errno.EACCES, "access " + mask + " to inode " + inode.getInodeId());
        }
    }

    private static int granted(Caller c, Inode inode) {
        int mode = inode.getMode();
        if (c.isRoot()) {
            boolean executable = (mode & 0111) != 0 || Modes.isDir(mode);
            return R_OK | W_OK | (executable ? X_OK : 0);
        }
        if (c.uid() == inode.getUid()) {
            return (mode >> 6) & 7;
        }
        if (c.gid() == inode.getGid()) {
            return (mode >> 3) & 7;
        }
        return mode & 7;
    }
}
