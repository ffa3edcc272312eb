package io.curvefs.metaserver.rename;

import io.curvefs.metaserver.recycle.RecycleDir;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.dentry.DentryNames;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.dentry.ParentDirectory;
import io.curvefs.metaserver.dentry.StickyBit;
import io.curvefs.metaserver.dentry.TxLocks;
import io.curvefs.metaserver.inode.LinkCounts;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RenameRequest;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.Time;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * rename(2) when both parent directories, the moved inode and the replaced one live in one partition:
 * every change (both entries, a replaced inode, the moved inode, both parents) is one raft command, so it
 * is atomic by construction and no other mount can see a half-done rename. Every other rename is the
 * rename transaction's job (CROSS_PARTITION).
 */
public final class LocalRename {
    /** Bounds the walk up the tree, in case a parent chain were ever cyclic. */
    private static final int MAX_DEPTH = 4096;

    private LocalRename() {
    }

    public static RenameResponse rename(MetaWriter w, RenameRequest r) {
        DentryNames.validate(r.getSrcName());
        DentryNames.validate(r.getDstName());
        PartitionState p = PartitionState.load(w, r.getPartition());
        Map<Long, Inode> parents = new LinkedHashMap<>();
        parents.put(r.getSrcParent(), ParentDirectory.require(w, p, r.getSrcParent()));
        parents.put(r.getDstParent(), ParentDirectory.require(w, p, r.getDstParent()));
        Dentry src = EntryRemoval.requireEntry(w, p, r.getSrcParent(), r.getSrcName());
        TxLocks.requireUnlocked(w, p, r.getDstParent(), r.getDstName());
        Optional<Dentry> existing = w.dentry(p.id(), r.getDstParent(), r.getDstName());
        RenameResponse.Builder out = RenameResponse.newBuilder().setStatus(Statuses.OK);
        if (existing.isPresent() && existing.get().getInodeId() == src.getInodeId()) {
            // the same entry, or two links of one inode: POSIX says rename does nothing
            return out.setNoop(true).setMoved(existing.get()).setSrcParent(parents.get(r.getSrcParent()))
                    .setDstParent(parents.get(r.getDstParent())).build();
        }
        RecycleDir.requireNotRecycle(src);
        RecycleDir.requirePlaceable(r.getDstParent(), r.getDstName(), src.getType());
        requireLocal(p, src.getInodeId());
        Optional<Inode> moved = EntryRemoval.localInode(w, p, src.getInodeId());
        StickyBit.check(parents.get(r.getSrcParent()), moved.orElse(null), r.getCallerUid());
        boolean movesDir = src.getType() == FsFileType.TYPE_DIRECTORY;
        if (movesDir && r.getSrcParent() != r.getDstParent()) {
            TxLocks.requirePlaceUnlocked(w, p, src.getInodeId());
            requireNotIntoItself(w, p, src.getInodeId(), r.getDstParent(), true);
        }
        Time time = r.getTime();
        if (existing.isPresent()) {
            replace(w, p, r, existing.get(), movesDir, parents, out);
        }
        w.deleteDentry(p.id(), r.getSrcParent(), r.getSrcName());
        parents.compute(r.getSrcParent(), (id, dir) -> ParentDirectory.unlinked(dir, src.getType(), time));
        Dentry placed = src.toBuilder().setParentInodeId(r.getDstParent()).setName(r.getDstName()).build();
        w.putDentry(p.id(), placed);
        parents.compute(r.getDstParent(), (id, dir) -> ParentDirectory.linked(dir, src.getType(), time));
        if (moved.isPresent()) {
            Inode after = TxApply.moved(moved.get(), r.getSrcParent(), r.getDstParent(), time);
            w.putInode(p.id(), after);
            out.setMovedLocal(true).setMovedInode(after);
        }
        parents.values().forEach(dir -> w.putInode(p.id(), dir));
        w.putPartition(p.info());
        return out.setMoved(placed).setSrcParent(parents.get(r.getSrcParent()))
                .setDstParent(parents.get(r.getDstParent())).build();
    }

    /** The entry that the new name had goes as unlink/rmdir would take it. */
    private static void replace(MetaWriter w, PartitionState p, RenameRequest r, Dentry victim, boolean movesDir,
                                Map<Long, Inode> parents, RenameResponse.Builder out) {
        boolean victimIsDir = victim.getType() == FsFileType.TYPE_DIRECTORY;
        requireReplaceable(movesDir, victimIsDir, r.getDstName());
        RecycleDir.requireNotRecycle(victim);
        requireLocal(p, victim.getInodeId());
        TxLocks.requireLinkUnlocked(w, p, victim.getInodeId());
        Optional<Inode> inode = EntryRemoval.localInode(w, p, victim.getInodeId());
        StickyBit.check(parents.get(r.getDstParent()), inode.orElse(null), r.getCallerUid());
        if (inode.isPresent()) {
            LinkCounts.Dropped dropped = LinkCounts.drop(w, p, inode.get(), r.getDstParent(), r.getTime(),
                    r.getKeepIfOrphaned() == victim.getInodeId() ? r.getHeader().getClientId() : null);
            out.setReplacedLocal(true).setReplacedInode(dropped.inode()).setReplacedDeleted(dropped.deleted());
        }
        w.deleteDentry(p.id(), r.getDstParent(), r.getDstName());
        p.dentryRemoved();
        parents.compute(r.getDstParent(), (id, dir) -> ParentDirectory.unlinked(dir, victim.getType(), r.getTime()));
        out.setReplaced(victim);
    }

    /**
     * The moved and the replaced inode must live here too: changing one in another partition afterwards
     * would let a crash in between leave it with a wrong parent list or link count. Else the client
     * renames in a transaction (CROSS_PARTITION).
     */
    private static void requireLocal(PartitionState p, long ino) {
        if (!p.owns(ino)) {
            throw new RpcException(StatusCode.CROSS_PARTITION, "inode " + ino + " lives in another partition");
        }
    }

    /** ENOTDIR for a directory replacing a non-directory, EISDIR for the reverse. */
    static void requireReplaceable(boolean movesDir, boolean victimIsDir, String name) {
        if (movesDir && !victimIsDir) {
            throw new RpcException(StatusCode.NOT_DIRECTORY, "cannot replace non-directory '" + name
                    + "' by a directory");
        }
        if (!movesDir && victimIsDir) {
            throw new RpcException(StatusCode.IS_DIRECTORY, "cannot replace directory '" + name
                    + "' by a non-directory");
        }
    }

    /**
     * EINVAL when the new parent is the moved directory or below it. The walk follows the parents up
     * through this partition. With {@code wholeWay} it must reach the root here, through directories
     * no rename transaction holds (else CROSS_PARTITION or TX_LOCKED): then the check is exact, because
     * this command is atomic. Without, it stops where the way leaves the partition (the transaction holds
     * the whole way by other means).
     */
    static void requireNotIntoItself(MetaWriter w, PartitionState p, long dir, long dstParent, boolean wholeWay) {
        long at = dstParent;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            if (at == dir) {
                throw new RpcException(StatusCode.INVALID_ARGUMENT, "cannot move directory " + dir
                        + " into its own subtree");
            }
            Optional<Inode> inode = EntryRemoval.localInode(w, p, at);
            if (wholeWay && inode.isEmpty()) {
                throw new RpcException(StatusCode.CROSS_PARTITION, "directory " + at + " on the way from "
                        + dstParent + " to the root lives in another partition");
            }
            if (inode.isEmpty() || inode.get().getParentCount() == 0) {
                return;
            }
            if (wholeWay) {
                TxLocks.requirePlaceUnlocked(w, p, at);
            }
            at = inode.get().getParent(0);
        }
    }
}
