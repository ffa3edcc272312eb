package io.curvefs.client.vfs;

import com.google.protobuf.ByteString;
import io.curvefs.proto.metaserver.Inode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class XattrsTest {
    private static final Inode INODE = Inode.newBuilder().setInodeId(5)
            .putXattr("user.b", ByteString.copyFromUtf8("2")).putXattr("user.a", ByteString.copyFromUtf8("1")).build();

    @Test
    void getAndListSorted() {
        assertArrayEquals("1".getBytes(), Xattrs.get(INODE, "user.a"));
        assertEquals(List.of("user.a", "user.b"), Xattrs.names(INODE));
        assertErrno(Errno.ENODATA, () -> Xattrs.get(INODE, "user.c"));
    }

    @Test
    void createAndReplaceFlagsFollowPosix() {
        assertErrno(Errno.EEXIST, () -> Xattrs.checkSet(INODE, "user.a", Xattrs.XATTR_CREATE));
        assertErrno(Errno.ENODATA, () -> Xattrs.checkSet(INODE, "user.c", Xattrs.XATTR_REPLACE));
        assertDoesNotThrow(() -> Xattrs.checkSet(INODE, "user.a", Xattrs.XATTR_REPLACE));
        assertDoesNotThrow(() -> Xattrs.checkSet(INODE, "user.c", Xattrs.XATTR_CREATE));
        assertDoesNotThrow(() -> Xattrs.checkSet(INODE, "user.a", 0));
        assertErrno(Errno.ENODATA, () -> Xattrs.checkRemove(INODE, "user.c"));
    }

    private static void assertErrno(int errno, org.junit.jupiter.api.function.Executable call) {
        assertEquals(errno, assertThrows(VfsException.class, call).errno());
    }
}
