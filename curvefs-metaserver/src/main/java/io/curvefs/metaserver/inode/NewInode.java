package io.curvefs.metaserver.inode;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

import java.nio.charset.StandardCharsets;

/** Builds a new inode the same way on every replica: every value comes from the request. */
public final class NewInode {
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    /** Length reported for directories, as local file systems do. */
    static final long DIRECTORY_LENGTH = 4096;

    private NewInode() {
    }

    /**
     * @param parent 0 for none (the root)
     * @param length the initial length of a regular file; ignored for directories and symlinks
     */
    public static Inode build(long id, int fsId, FsFileType type, int mode, int uid, int gid, long rdev,
                              String symlink, long length, Time time, long parent) {
        if (type == FsFileType.TYPE_UNSPECIFIED || type == FsFileType.UNRECOGNIZED) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "inode type missing");
        }
        if (type == FsFileType.TYPE_SYM_LINK && symlink.isEmpty()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "symlink without a target");
        }
        Inode.Builder b = Inode.newBuilder().setInodeId(id).setFsId(fsId).setType(type)
                .setMode(withTypeBits(type, mode)).setUid(uid).setGid(gid).setRdev(rdev)
                .setNlink(type == FsFileType.TYPE_DIRECTORY ? 2 : 1)
                .setAtime(time.getSec()).setAtimeNs(time.getNsec())
                .setMtime(time.getSec()).setMtimeNs(time.getNsec())
                .setCtime(time.getSec()).setCtimeNs(time.getNsec());
        switch (type) {
            case TYPE_DIRECTORY -> b.setLength(DIRECTORY_LENGTH);
            case TYPE_SYM_LINK -> b.setSymlink(symlink).setLength(symlink.getBytes(StandardCharsets.UTF_8).length);
            default -> b.setLength(length);
        }
        if (parent != 0) {
            b.addParent(parent);
        }
        return b.build();
    }

    /** Keeps the caller's type bits; adds the ones the inode type implies when the caller sent none. */
    static int withTypeBits(FsFileType type, int mode) {
        if ((mode & S_IFMT) != 0) {
            return mode;
        }
        return mode | switch (type) {
            case TYPE_DIRECTORY -> S_IFDIR;
            case TYPE_SYM_LINK -> S_IFLNK;
            default -> S_IFREG;
        };
    }

    /** A mode change never changes what kind of file the inode is. */
    static int keepTypeBits(int oldMode, int newMode) {
        return (oldMode & S_IFMT) | (newMode & ~S_IFMT);
    }
}
