package io.curvefs.client.vfs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;

/**
 * Linux errno values and the one place that maps metadata status codes to them. The values are the
 * Linux ones (the only platform we mount on).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ENODATA = 61;
    public static final int EILSEQ = 84;
    public static final int EOPNOTSUPP = 95;
    public static final int ETIMEDOUT = 110;
    public static final int ESTALE = 116;

    private Errno() {
    }

    /** The errno a failed metadata call means to a POSIX caller. */
    public static int of(StatusCode code) {
        return switch (code) {
            case DENTRY_EXIST, ALREADY_EXISTS -> EEXIST;
            case DENTRY_NOT_FOUND, INODE_NOT_FOUND, NOT_FOUND -> ENOENT;
            case DIR_NOT_EMPTY -> ENOTEMPTY;
            case NAME_TOO_LONG -> ENAMETOOLONG;
            case NOT_DIRECTORY -> ENOTDIR;
            case IS_DIRECTORY -> EISDIR;
            case NOT_PERMITTED -> EPERM;
            case INVALID_ARGUMENT -> EINVAL;
            // every partition is full and the MDS could not add one: the fs has no room for inodes
            case PARTITION_READONLY, CREATE_PARTITION_FAILED -> ENOSPC;
            case TIMEOUT -> ETIMEDOUT;
            case LOCK_CONFLICT -> EAGAIN;
            // UNAVAILABLE, OVERLOAD, STORAGE_ERROR, stale routes that outlived the retries, session
            // problems and anything unexpected: the operation failed for reasons the caller cannot fix
            default -> EIO;
        };
    }

    /** The errno for any failure escaping a vfs operation; unknown failures are EIO. */
    public static int of(Throwable t) {
        if (t instanceof VfsException v) {
            return v.errno();
        }
        if (t instanceof RpcException r) {
            return of(r.code());
        }
        return EIO;
    }
}
