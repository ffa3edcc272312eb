package io.curvefs.client.vfs;

import io.curvefs.proto.metaserver.FsFileType;

/** st_mode bits (octal, as in sys/stat.h) and the inode type each file type is stored as. */
public final class Modes {
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;
    public static final int S_IXGRP = 00010;
    public static final int PERMISSIONS = 07777;

    private Modes() {
    }

    /** Regular files keep their data in S3; fifos, sockets and devices have no data (TYPE_FILE). */
    public static FsFileType typeOf(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFDIR -> FsFileType.TYPE_DIRECTORY;
            case S_IFLNK -> FsFileType.TYPE_SYM_LINK;
            case S_IFREG -> FsFileType.TYPE_S3;
            case S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK -> FsFileType.TYPE_FILE;
            default -> throw new VfsException(Errno.EINVAL, "unknown file type in mode " + Integer.toOctalString(mode));
        };
    }

    public static boolean isDir(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isSymlinkMode(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    /**
     * The mode after a change of owner: Linux clears set-user-ID, and set-group-ID when group execute is
     * set (without it the bit means mandatory locking), for every caller, on everything but directories.
     */
    public static int afterChown(int mode) {
        if (isDir(mode)) {
            return mode;
        }
        int cleared = mode & ~S_ISUID;
        if ((mode & S_IXGRP) != 0) {
            cleared &= ~S_ISGID;
        }
        return cleared;
    }
}
