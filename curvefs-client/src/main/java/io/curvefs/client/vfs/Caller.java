package io.curvefs.client.vfs;

/** Who asks: the FUSE request's uid, gid and umask; owners and modes of new inodes come from it. */
public record Caller(int uid, int gid, int umask) {
    public static final Caller ROOT = new Caller(0, 0, 0);

    public boolean isRoot() {
        return uid == 0;
    }
}
