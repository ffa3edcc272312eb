package io.curvefs.metaserver.rename;

import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.TxIntent;
import io.curvefs.proto.metaserver.TxRecord;

/**
 * What a prepared transaction holds in a partition: the entries it removes or places, a directory it
 * removes (which must stay empty), and the place in the tree of a directory it moves or of one on the
 * way from the new parent to the root (so that no directory can move into its own subtree). Other inode
 * changes hold nothing: they are relative (a link less, a parent swapped) and commute with whatever else
 * happens to the inode meanwhile.
 */
final class TxNames {
    private TxNames() {
    }

    static void lock(MetaWriter w, PartitionState p, TxRecord tx) {
        for (TxIntent i : tx.getIntentsList()) {
            if (holdsName(i)) {
                w.putTxLock(p.id(), i.getParent(), i.getName(), tx.getTxId());
            } else if (removesDirectory(i)) {
                w.putTxLock(p.id(), i.getInodeId(), "", tx.getTxId());
            } else if (holdsPlace(i)) {
                w.putTxInodeLock(p.id(), i.getInodeId(), tx.getTxId());
            }
        }
    }

    static void unlock(MetaWriter w, PartitionState p, TxRecord tx) {
        for (TxIntent i : tx.getIntentsList()) {
            if (holdsName(i)) {
                w.deleteTxLock(p.id(), i.getParent(), i.getName());
            } else if (removesDirectory(i)) {
                w.deleteTxLock(p.id(), i.getInodeId(), "");
            } else if (holdsPlace(i)) {
                w.deleteTxInodeLock(p.id(), i.getInodeId());
            }
        }
    }

    private static boolean holdsName(TxIntent i) {
        return i.getKind() == TxIntent.Kind.REMOVE_NAME || i.getKind() == TxIntent.Kind.PLACE_NAME;
    }

    /**
     * A directory that moves, or one whose parent the transaction relies on; or a file it links, which must
     * keep a name until then (the inode key of both is {@code 'L' pid FF*8 ino}).
     */
    static boolean holdsPlace(TxIntent i) {
        return i.getKind() == TxIntent.Kind.KEEP_PARENT || i.getKind() == TxIntent.Kind.LINK_INODE
                || (i.getKind() == TxIntent.Kind.MOVE_INODE && i.getType() == FsFileType.TYPE_DIRECTORY);
    }

    private static boolean removesDirectory(TxIntent i) {
        return i.getKind() == TxIntent.Kind.DROP_INODE && i.getType() == FsFileType.TYPE_DIRECTORY;
    }
}
