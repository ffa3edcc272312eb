package io.curvefs.metaserver.rename;

import io.curvefs.metaserver.recycle.RecycleDir;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.dentry.DentryNames;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.dentry.ParentDirectory;
import io.curvefs.metaserver.dentry.StickyBit;
import io.curvefs.metaserver.dentry.TxLocks;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.inode.LinkCounts;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PrepareTxRequest;
import io.curvefs.proto.metaserver.PrepareTxResponse;
import io.curvefs.proto.metaserver.TxIntent;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.List;
import java.util.Optional;

/**
 * Prepares one partition's part of a rename transaction: checks every POSIX rule this partition can
 * decide, then locks the names the part will change and stores the part, in one raft command. After a
 * successful prepare the commit of this part cannot fail: nobody else may change the locked names, and
 * the inode changes are relative.
 */
public final class TxPrepare {
    private TxPrepare() {
    }

    public static PrepareTxResponse prepare(MetaWriter w, PrepareTxRequest r) {
        TxRecord tx = r.getTx();
        if (tx.getTxId().isEmpty() || tx.getIntentsCount() == 0
                || (tx.getState() != TxRecord.State.PENDING && tx.getState() != TxRecord.State.PREPARED)) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "malformed rename transaction '" + tx.getTxId() + "'");
        }
        PartitionState p = PartitionState.load(w, r.getPartition());
        if (w.tx(p.id(), tx.getTxId()).isPresent()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "transaction " + tx.getTxId() + " is prepared already");
        }
        for (TxIntent i : tx.getIntentsList()) {
            check(w, p, tx, i);
        }
        TxNames.lock(w, p, tx);
        w.putTx(p.id(), tx);
        return PrepareTxResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    private static void check(MetaWriter w, PartitionState p, TxRecord tx, TxIntent i) {
        switch (i.getKind()) {
            case REMOVE_NAME -> checkRemove(w, p, tx, i);
            case PLACE_NAME -> checkPlace(w, p, tx, i);
            case MOVE_INODE -> checkMove(w, p, i);
            case DROP_INODE -> checkDrop(w, p, i);
            case KEEP_PARENT -> checkKeepParent(w, p, i);
            case LINK_INODE -> checkLink(w, p, i);
            default -> throw new RpcException(StatusCode.INVALID_ARGUMENT, "unknown intent " + i.getKind());
        }
    }

    private static void checkRemove(MetaWriter w, PartitionState p, TxRecord tx, TxIntent i) {
        DentryNames.validate(i.getName());
        Inode parent = ParentDirectory.require(w, p, i.getParent());
        Dentry d = EntryRemoval.requireEntry(w, p, i.getParent(), i.getName());
        if (d.getInodeId() != i.getInodeId()) {
            throw conflict("'" + i.getName() + "' in " + i.getParent() + " names " + d.getInodeId() + " now");
        }
        RecycleDir.requireNotRecycle(d);
        StickyBit.check(parent, EntryRemoval.localInode(w, p, i.getInodeId()).orElse(null), tx.getCallerUid());
    }

    private static void checkPlace(MetaWriter w, PartitionState p, TxRecord tx, TxIntent i) {
        DentryNames.validate(i.getName());
        Inode parent = ParentDirectory.require(w, p, i.getParent());
        TxLocks.requireUnlocked(w, p, i.getParent(), i.getName());
        Optional<Dentry> existing = w.dentry(p.id(), i.getParent(), i.getName());
        long found = existing.map(Dentry::getInodeId).orElse(0L);
        if (found != i.getVictim()) {
            throw conflict("'" + i.getName() + "' in " + i.getParent() + " names " + found + " now, not "
                    + i.getVictim());
        }
        if (found == i.getInodeId()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "renaming inode " + found + " onto itself");
        }
        RecycleDir.requirePlaceable(i.getParent(), i.getName(), i.getType());
        boolean movesDir = i.getType() == FsFileType.TYPE_DIRECTORY;
        if (existing.isPresent()) {
            LocalRename.requireReplaceable(movesDir, existing.get().getType() == FsFileType.TYPE_DIRECTORY,
                    i.getName());
            RecycleDir.requireNotRecycle(existing.get());
            StickyBit.check(parent, EntryRemoval.localInode(w, p, found).orElse(null), tx.getCallerUid());
        }
        if (movesDir && i.getSrcParent() != i.getParent()) {
            LocalRename.requireNotIntoItself(w, p, i.getInodeId(), i.getParent(), false);
        }
    }

    private static void checkMove(MetaWriter w, PartitionState p, TxIntent i) {
        InodeOperations.require(w, p, i.getInodeId());
        if (TxNames.holdsPlace(i)) {
            TxLocks.requirePlaceUnlocked(w, p, i.getInodeId());
        }
    }

    /**
     * The client walked from the new parent to the root and saw this directory under {@code parent}; it
     * must still be there, and stays there until the transaction ends. With every directory on that way
     * held, the moved directory (held too) cannot come to lie on it before the commit.
     */
    private static void checkKeepParent(MetaWriter w, PartitionState p, TxIntent i) {
        Inode dir = InodeOperations.require(w, p, i.getInodeId());
        if (dir.getType() != FsFileType.TYPE_DIRECTORY || !dir.getParentList().equals(List.of(i.getParent()))) {
            throw conflict("directory " + i.getInodeId() + " is no longer under " + i.getParent());
        }
        TxLocks.requirePlaceUnlocked(w, p, i.getInodeId());
    }

    /** The file must still have a name (a trashed one cannot get one back); the lock keeps it named. */
    private static void checkLink(MetaWriter w, PartitionState p, TxIntent i) {
        Inode inode = InodeOperations.require(w, p, i.getInodeId());
        if (inode.getType() == FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_PERMITTED, "hard link to directory " + i.getInodeId());
        }
        if (inode.getNlink() == 0) {
            throw new RpcException(StatusCode.INODE_NOT_FOUND, "inode " + i.getInodeId() + " has no name left");
        }
        TxLocks.requireLinkUnlocked(w, p, i.getInodeId());
    }

    private static void checkDrop(MetaWriter w, PartitionState p, TxIntent i) {
        Inode victim = InodeOperations.require(w, p, i.getInodeId());
        TxLocks.requireLinkUnlocked(w, p, i.getInodeId());
        if (victim.getType() != i.getType()) {
            throw conflict("inode " + i.getInodeId() + " is a " + victim.getType() + ", not a " + i.getType());
        }
        if (victim.getType() == FsFileType.TYPE_DIRECTORY) {
            LinkCounts.requireEmptyDirectory(w, p, victim);
        }
    }

    private static RpcException conflict(String what) {
        return new RpcException(StatusCode.TX_CONFLICT, what);
    }
}
