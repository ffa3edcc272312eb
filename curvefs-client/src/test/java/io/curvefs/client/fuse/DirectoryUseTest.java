package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Modes;
import io.curvefs.proto.metaserver.Inode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a lookup may move a directory's dentry: the uses of the old place that make the kernel refuse. */
class DirectoryUseTest {
    private static final long ROOT = 1;
    private static final long OLD_PARENT = 2;
    private static final long DIR = 3;
    private static final long SUBDIR = 4;
    private static final long FILE = 5;
    private static final long OTHER = 6;

    private final Nodes nodes = new Nodes();
    private final DirectoryUse use = new DirectoryUse(nodes);

    DirectoryUseTest() {
        nodes.placed(OLD_PARENT, ROOT, "p");
        nodes.placed(DIR, OLD_PARENT, "d");
        nodes.placed(SUBDIR, DIR, "s");
        nodes.placed(OTHER, ROOT, "o");
        nodes.lookedUp(Inode.newBuilder().setInodeId(FILE).setMode(Modes.S_IFREG | 0644).addParent(SUBDIR).build());
    }

    /** A request as the kernel writes it: header, then {@code newdir} as the first argument (RENAME). */
    private static Request request(int opcode, long nodeid, long newdir) {
        ByteBuffer b = ByteBuffer.allocateDirect(Protocol.IN_HEADER + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, b.capacity()).putInt(4, opcode).putLong(8, 7).putLong(16, nodeid);
        b.putLong(Protocol.IN_HEADER, newdir);
        Request q = new Request(b);
        assertTrue(q.decode(b.capacity()));
        return q;
    }

    private boolean movableNow() {
        return use.awaitMovable(DIR, OLD_PARENT, System.nanoTime());
    }

    private void assertBlocksWhileInFlight(Request q, String what) {
        use.begin(q);
        assertFalse(movableNow(), what + " in flight");
        use.end(q);
        assertTrue(movableNow(), what + " done");
    }

    private void assertFreeWhileInFlight(Request q, String what) {
        use.begin(q);
        assertTrue(movableNow(), what);
        use.end(q);
    }

    @Test
    void anUnusedDirectoryMovesAtOnce() {
        assertTrue(movableNow());
        assertBlocksWhileInFlight(request(Protocol.GETATTR, DIR, 0), "a request on the directory");
    }

    @Test
    void aRequestBelowTheOldPlaceHoldsItsDentry() {
        assertBlocksWhileInFlight(request(Protocol.LOOKUP, SUBDIR, 0), "a lookup in a subdirectory");
        assertBlocksWhileInFlight(request(Protocol.GETATTR, FILE, 0), "a stat of a file below");
        assertFreeWhileInFlight(request(Protocol.LOOKUP, OTHER, 0), "a lookup beside it does not count");
    }

    @Test
    void anOpenHandleHoldsTheDentryUntilReleased() {
        use.opened(SUBDIR);
        assertFalse(movableNow());
        use.released(SUBDIR);
        assertTrue(movableNow());
    }

    @Test
    void aChangeInTheOldParentLocksIt() {
        assertBlocksWhileInFlight(request(Protocol.UNLINK, OLD_PARENT, 0), "an unlink in the old parent");
        assertFreeWhileInFlight(request(Protocol.LOOKUP, OLD_PARENT, 0),
                "a lookup takes the old parent's lock shared, as the move does");
    }

    @Test
    void onlyARenameAcrossDirectoriesHoldsTheRenameMutex() {
        assertBlocksWhileInFlight(request(Protocol.RENAME, OTHER, ROOT), "a rename across directories");
        assertFreeWhileInFlight(request(Protocol.RENAME, OTHER, OTHER), "a rename within one unrelated directory");
    }

    @Test
    void theWaitEndsWhenTheUseEnds() throws Exception {
        Request q = request(Protocol.RENAME, OTHER, ROOT);
        use.begin(q);
        Thread ender = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            use.end(q);
        });
        ender.start();
        assertTrue(use.awaitMovable(DIR, OLD_PARENT, System.nanoTime() + 5_000_000_000L));
        ender.join(5000);
    }
}
