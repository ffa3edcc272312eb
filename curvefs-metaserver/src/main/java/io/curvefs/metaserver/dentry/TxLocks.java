package io.curvefs.metaserver.dentry;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.StatusCode;

/**
 * Names held by a prepared rename transaction (package {@code io.curvefs.metaserver.rename}). While a
 * transaction holds a name, no other command reads or changes it: the name's outcome depends on the
 * transaction's primary, which this partition cannot see. The refusal TX_LOCKED tells the client to
 * resolve the partition's transactions (forward or back, through their primary) and to ask again.
 */
public final class TxLocks {
    private TxLocks() {
    }

    /** TX_LOCKED when a transaction holds {@code name} in {@code parent}. */
    public static void requireUnlocked(MetaReader reader, PartitionState p, long parent, String name) {
        reader.txLock(p.id(), parent, name).ifPresent(tx -> {
            throw locked(tx, "'" + name + "' in " + parent);
        });
    }

    /**
     * TX_LOCKED when a transaction holds any name of the directory or the directory itself: a listing
     * would show an undecided name, and an emptiness check would miss an entry about to be placed.
     */
    public static void requireNoneIn(MetaReader reader, PartitionState p, long dir) {
        reader.anyTxLockIn(p.id(), dir).ifPresent(tx -> {
            throw locked(tx, "a name of directory " + dir);
        });
    }

    /** TX_LOCKED when a transaction is removing the directory (it replaces it by another): no entry may be added. */
    public static void requireDirectoryUnlocked(MetaReader reader, PartitionState p, long dir) {
        requireUnlocked(reader, p, dir, "");
    }

    /**
     * TX_LOCKED when a transaction moves the directory to another parent, or relies on its parent staying
     * as it is (it lies on the way from a moved directory's new parent to the root).
     */
    public static void requirePlaceUnlocked(MetaReader reader, PartitionState p, long dir) {
        reader.txInodeLock(p.id(), dir).ifPresent(tx -> {
            throw locked(tx, "the place of directory " + dir);
        });
    }

    /** A file that a transaction links (LINK_INODE) must not lose its last name before that commits. */
    public static void requireLinkUnlocked(MetaReader reader, PartitionState p, long ino) {
        reader.txInodeLock(p.id(), ino).ifPresent(tx -> {
            throw locked(tx, "inode " + ino + ", which it gives a new name");
        });
    }

    private static RpcException locked(String tx, String what) {
        return new RpcException(StatusCode.TX_LOCKED, "rename transaction " + tx + " holds " + what);
    }
}
