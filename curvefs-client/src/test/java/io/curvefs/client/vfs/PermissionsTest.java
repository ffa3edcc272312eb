package io.curvefs.client.vfs;

import io.curvefs.proto.metaserver.Inode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PermissionsTest {
    private static final Inode FILE_0640 = Inode.newBuilder().setInodeId(7).setMode(0100640).setUid(10).setGid(20).build();
    private static final int RW = Permissions.R_OK | Permissions.W_OK;

    @Test
    void theFirstMatchingClassDecides() {
        assertDoesNotThrow(() -> Permissions.check(new Caller(10, 99, 0), FILE_0640, RW));
        assertDoesNotThrow(() -> Permissions.check(new Caller(11, 20, 0), FILE_0640, Permissions.R_OK));
        assertDenied(new Caller(11, 20, 0), FILE_0640, Permissions.W_OK);
        assertDenied(new Caller(11, 21, 0), FILE_0640, Permissions.R_OK);
        // the owner class applies even when the group bits would allow more
        Inode groupMore = FILE_0640.toBuilder().setMode(0100460).build();
        assertDenied(new Caller(10, 20, 0), groupMore, Permissions.W_OK);
    }

    @Test
    void rootMayExecuteOnlyWhatSomeoneMayExecute() {
        assertDoesNotThrow(() -> Permissions.check(Caller.ROOT, FILE_0640, RW));
        assertDenied(Caller.ROOT, FILE_0640, Permissions.X_OK);
        assertDoesNotThrow(() -> Permissions.check(Caller.ROOT, FILE_0640.toBuilder().setMode(0100001).build(),
                Permissions.X_OK));
    }

    private static void assertDenied(Caller c, Inode inode, int mask) {
        assertEquals(Errno.EACCES, assertThrows(VfsException.class, () -> Permissions.check(c, inode, mask)).errno());
    }
}
