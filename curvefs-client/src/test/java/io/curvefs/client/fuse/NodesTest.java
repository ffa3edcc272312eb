package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Modes;
import io.curvefs.proto.metaserver.Inode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodesTest {
    private static Inode file(long ino, long length, long mtime) {
        return Inode.newBuilder().setInodeId(ino).setMode(Modes.S_IFREG | 0644).setLength(length).setMtime(mtime)
                .setCtime(mtime).setNlink(1).build();
    }

    @Test
    void anInodeIsForgottenWhenTheKernelPaidBackEveryLookup() {
        Nodes nodes = new Nodes();
        nodes.lookedUp(file(5, 0, 1));
        nodes.lookedUp(file(5, 0, 1));
        nodes.lookedUp(file(5, 0, 1));
        assertFalse(nodes.forget(5, 2));
        assertTrue(nodes.forget(5, 1));
        assertFalse(nodes.forget(5, 1), "an inode the kernel no longer holds is not forgotten twice");
    }

    @Test
    void anOpenSeesWhetherSizeOrTimesChangedFromWhatTheKernelWasTold() {
        Nodes nodes = new Nodes();
        assertTrue(nodes.differs(file(7, 2, 100)), "nothing told yet: the kernel's copy cannot be trusted");
        nodes.lookedUp(file(7, 2, 100));
        assertFalse(nodes.differs(file(7, 2, 100)));
        assertTrue(nodes.differs(file(7, 8, 100)), "longer");
        assertTrue(nodes.differs(file(7, 2, 101)), "rewritten at the same length");
        nodes.told(file(7, 8, 101));
        assertFalse(nodes.differs(file(7, 8, 101)));
    }

    @Test
    void aDirectoryMovedElsewhereAnswersWhereTheKernelHadIt() {
        Nodes nodes = new Nodes();
        assertNull(nodes.placed(9, 1, "a"));
        assertNull(nodes.placed(9, 1, "a"), "the same place again");
        assertEquals(new Nodes.Place(1, "a"), nodes.placed(9, 4, "b"));
        nodes.moved(9, 6, "c");
        assertNull(nodes.placed(9, 6, "c"), "a rename through this mount moved the kernel's dentry too");
    }
}
