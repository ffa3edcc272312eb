package io.curvefs.metaserver.dentry;

import io.curvefs.metaserver.recycle.RecycleDir;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.inode.LinkCounts;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.Time;

import java.util.Optional;

/**
 * unlink(2) and rmdir(2) as one command: the entry, the parent and the named inode change together, so no
 * crash leaves a name without its link count or the reverse. Checks come first. An entry whose inode lives
 * in another partition is refused (CROSS_PARTITION): the client removes it in a transaction.
 */
public final class EntryRemoval {
    private EntryRemoval() {
    }

    public static RemoveEntryResponse remove(MetaWriter w, RemoveEntryRequest r) {
        DentryNames.validate(r.getName());
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode parent = ParentDirectory.require(w, p, r.getParentInodeId());
        Dentry d = requireEntry(w, p, r.getParentInodeId(), r.getName());
        RecycleDir.requireNotRecycle(d);
        boolean isDir = d.getType() == FsFileType.TYPE_DIRECTORY;
        if (r.getDirectory() && !isDir) {
            throw new RpcException(StatusCode.NOT_DIRECTORY, "'" + r.getName() + "' is not a directory");
        }
        if (!r.getDirectory() && isDir) {
            throw new RpcException(StatusCode.IS_DIRECTORY, "'" + r.getName() + "' is a directory");
        }
        if (!p.owns(d.getInodeId())) {
            throw new RpcException(StatusCode.CROSS_PARTITION, "inode " + d.getInodeId()
                    + " lives in another partition: the name and its link go together in a transaction");
        }
        Optional<Inode> victim = localInode(w, p, d.getInodeId());
        TxLocks.requireLinkUnlocked(w, p, d.getInodeId());
        StickyBit.check(parent, victim.orElse(null), r.getCallerUid());
        RemoveEntryResponse.Builder out = RemoveEntryResponse.newBuilder().setStatus(Statuses.OK).setDentry(d);
        if (victim.isPresent()) {
            LinkCounts.Dropped dropped = LinkCounts.drop(w, p, victim.get(), r.getParentInodeId(), r.getTime(),
                    r.getKeepIfOrphaned() ? r.getHeader().getClientId() : null);
            out.setInodeLocal(true).setInode(dropped.inode()).setInodeDeleted(dropped.deleted());
        }
        out.setParent(unlinkFromParent(w, p, parent, d, r.getTime()));
        w.putPartition(p.info());
        return out.build();
    }

    /** The entry, which must exist and not be held by a rename transaction. */
    public static Dentry requireEntry(MetaWriter w, PartitionState p, long parent, String name) {
        TxLocks.requireUnlocked(w, p, parent, name);
        return w.dentry(p.id(), parent, name).orElseThrow(() ->
                new RpcException(StatusCode.DENTRY_NOT_FOUND, "no entry '" + name + "' in " + parent));
    }

    /** The inode if this partition owns its id (a missing local inode is left to the caller's repair). */
    public static Optional<Inode> localInode(MetaWriter w, PartitionState p, long ino) {
        return p.owns(ino) ? w.inode(p.id(), ino) : Optional.empty();
    }

    /** Deletes the entry and answers the parent after its times (and nlink for a directory) changed. */
    static Inode unlinkFromParent(MetaWriter w, PartitionState p, Inode parent, Dentry d, Time time) {
        w.deleteDentry(p.id(), d.getParentInodeId(), d.getName());
        p.dentryRemoved();
        Inode after = ParentDirectory.unlinked(parent, d.getType(), time);
        w.putInode(p.id(), after);
        return after;
    }
}
