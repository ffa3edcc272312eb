package io.curvefs.client.vfs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrnoTest {
    @Test
    void metadataStatusesMapToThePosixErrors() {
        assertEquals(Errno.EEXIST, Errno.of(StatusCode.DENTRY_EXIST));
        assertEquals(Errno.ENOENT, Errno.of(StatusCode.DENTRY_NOT_FOUND));
        assertEquals(Errno.ENOENT, Errno.of(StatusCode.INODE_NOT_FOUND));
        assertEquals(Errno.ENOTEMPTY, Errno.of(StatusCode.DIR_NOT_EMPTY));
        assertEquals(Errno.ENAMETOOLONG, Errno.of(StatusCode.NAME_TOO_LONG));
        assertEquals(Errno.ENOTDIR, Errno.of(StatusCode.NOT_DIRECTORY));
        assertEquals(Errno.EISDIR, Errno.of(StatusCode.IS_DIRECTORY));
        assertEquals(Errno.ENOSPC, Errno.of(StatusCode.PARTITION_READONLY));
        assertEquals(Errno.ETIMEDOUT, Errno.of(StatusCode.TIMEOUT));
    }

    @Test
    void unavailabilityAndUnexpectedStatusesAreIoErrors() {
        assertEquals(Errno.EIO, Errno.of(StatusCode.UNAVAILABLE));
        assertEquals(Errno.EIO, Errno.of(StatusCode.STORAGE_ERROR));
        assertEquals(Errno.EIO, Errno.of(StatusCode.PARTITION_NOT_FOUND));
        assertEquals(Errno.EIO, Errno.of(StatusCode.INTERNAL_ERROR));
    }

    @Test
    void anyThrowableHasAnErrno() {
        assertEquals(Errno.EACCES, Errno.of(new VfsException(Errno.EACCES, "no")));
        assertEquals(Errno.ENOENT, Errno.of(new RpcException(StatusCode.DENTRY_NOT_FOUND, "gone")));
        assertEquals(Errno.EIO, Errno.of(new IllegalStateException("bug")));
        assertEquals(Errno.EIO, Errno.of(new java.io.IOException("s3 down")));
    }
}
