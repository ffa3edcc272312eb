package io.curvefs.client.vfs;

import io.curvefs.proto.metaserver.FsFileType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModesTest {
    @Test
    void fileTypesMapToInodeTypes() {
        assertEquals(FsFileType.TYPE_S3, Modes.typeOf(0100644));
        assertEquals(FsFileType.TYPE_DIRECTORY, Modes.typeOf(040755));
        assertEquals(FsFileType.TYPE_SYM_LINK, Modes.typeOf(0120777));
        assertEquals(FsFileType.TYPE_FILE, Modes.typeOf(010644)); // fifo
        assertEquals(FsFileType.TYPE_FILE, Modes.typeOf(0140755)); // socket
        assertEquals(FsFileType.TYPE_FILE, Modes.typeOf(020600)); // char device
        assertEquals(FsFileType.TYPE_FILE, Modes.typeOf(060600)); // block device
        assertEquals(Errno.EINVAL, assertThrows(VfsException.class, () -> Modes.typeOf(0644)).errno());
    }

    @Test
    void chownClearsSetIdBitsLikeLinux() {
        assertEquals(0100755, Modes.afterChown(0104755), "set-user-ID goes");
        assertEquals(0100755, Modes.afterChown(0102755), "set-group-ID with group execute goes");
        assertEquals(0102745, Modes.afterChown(0102745), "set-group-ID without group execute (locking) stays");
        assertEquals(042755, Modes.afterChown(042755), "directories keep set-group-ID");
    }
}
