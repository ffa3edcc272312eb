package io.curvefs.client.fuse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountOptionsTest {
    @Test
    void defaultsAreNosuidNodevRelatimeWithKernelPermissionChecksForEveryUser() {
        MountOptions o = MountOptions.parse("fs1", List.of());
        assertEquals("curvefs-fs1", o.source());
        assertEquals("fuse.curvefs", o.type());
        assertEquals(LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_RELATIME, o.flags());
        assertEquals(",default_permissions,allow_other", o.kernelOptions());
    }

    @Test
    void flagsAndKernelOptionsAreParsedFromEveryList() {
        MountOptions o = MountOptions.parse("fs1", List.of("ro,noatime", "suid,dev,max_read=65536"));
        assertEquals(LibC.MS_RDONLY | LibC.MS_NOATIME, o.flags());
        assertTrue(o.kernelOptions().endsWith(",max_read=65536"), o.kernelOptions());
    }

    @Test
    void anUnknownOptionIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MountOptions.parse("fs1", List.of("rw,bogus=1")));
        assertTrue(e.getMessage().contains("unknown mount option 'bogus=1'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MountOptions.parse("fs1", List.of("max_read=0")));
    }
}
