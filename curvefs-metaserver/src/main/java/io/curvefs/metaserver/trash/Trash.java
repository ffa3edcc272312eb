package io.curvefs.metaserver.trash;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.proto.metaserver.FileLocks;
import io.curvefs.proto.metaserver.HoldInodeRequest;
import io.curvefs.proto.metaserver.HoldInodeResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ReclaimInodeRequest;
import io.curvefs.proto.metaserver.ReclaimInodeResponse;

/**
 * A partition's trash, the first phase of deleting a file (DESIGN.md §4): the inode stays, with its
 * chunk infos and its deletion time, so that handles still open on any mount keep reading and writing
 * it, and a trash key {@code 'X' pid dtime ino} orders it for the leader's {@link TrashReclaimer}, which
 * deletes its objects and then proposes {@link #reclaim} once the retention has passed.
 * <p>
 * A trashed inode no longer counts in the partition's inode and byte counters (statfs shows what the
 * namespace holds); it is counted out when it enters, and nothing it does afterwards counts again.
 */
public final class Trash {
    private Trash() {
    }

    /**
     * Puts {@code inode} (without names, or unreachable) in the trash inside the batch of the entry being
     * applied, with nlink 0 and its dtime, else {@code time}, else (an old request without a time) its
     * ctime: a value every replica computes alike. Idempotent: an inode already there is answered as it is.
     * The caller writes the partition record.
     */
    public static Inode put(MetaWriter w, PartitionState p, Inode inode, long time) {
        if (holds(w, p.id(), inode)) {
            return inode;
        }
        long dtime = inode.getDtime() != 0 ? inode.getDtime() : time != 0 ? time : Math.max(1, inode.getCtime());
        Inode trashed = inode.toBuilder().setNlink(0).setDtime(dtime).build();
        w.putInode(p.id(), trashed);
        w.putTrash(p.id(), trashed.getDtime(), trashed.getInodeId());
        p.inodeRemoved(trashed.getType(), trashed.getLength());
        return trashed;
    }

    /**
     * A mount that has the nameless inode open holds it in the trash: the reclaimer passes it by until the
     * hold ends ({@link #release}). Nothing happens to an inode that has names again or is not in the
     * trash (a directory, an inode kept by an older version).
     */
    public static HoldInodeResponse hold(MetaWriter w, HoldInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode inode = InodeOperations.require(w, p, r.getInodeId());
        if (holds(w, p.id(), inode)) {
            w.putKept(p.id(), inode.getInodeId(), r.getHolder());
        }
        return HoldInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(inode).build();
    }

    /**
     * The hold of {@code holder} ends (its last close, or its session is gone). When it was the last, the
     * retention starts now ({@code time}): the file leaves the namespace for good only once nobody uses
     * it, and is reclaimed a retention later. Without such a hold (a retry), as {@link #put}.
     */
    public static void release(MetaWriter w, PartitionState p, Inode inode, String holder, long time) {
        if (!w.isHeldBy(p.id(), inode.getInodeId(), holder)) {
            put(w, p, inode, time);
            return;
        }
        w.deleteKept(p.id(), inode.getInodeId(), holder);
        if (w.isHeld(p.id(), inode.getInodeId())) {
            return;
        }
        if (!holds(w, p.id(), inode)) {
            put(w, p, inode, time);
        } else if (time > inode.getDtime()) {
            w.deleteTrash(p.id(), inode.getDtime(), inode.getInodeId());
            Inode requeued = inode.toBuilder().setDtime(time).build();
            w.putInode(p.id(), requeued);
            w.putTrash(p.id(), time, requeued.getInodeId());
        }
    }

    /** Whether the inode is in the trash (so its length no longer counts in the partition's bytes). */
    public static boolean holds(MetaReader reader, int partitionId, Inode inode) {
        return inode.getDtime() != 0 && inode.getNlink() == 0
                && reader.inTrash(partitionId, inode.getDtime(), inode.getInodeId());
    }

    /**
     * The second phase, after the leader deleted the objects: the inode, its chunk infos, its trash key
     * and its locks go. Nothing happens when the entry is not (any more) in the trash; refused when the inode got chunk
     * infos the leader did not see (their objects are still there).
     */
    public static ReclaimInodeResponse reclaim(MetaWriter w, ReclaimInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        boolean present = w.inTrash(p.id(), r.getDtime(), r.getInodeId());
        if (present && w.lastChunkAppend(p.id(), r.getInodeId()) != r.getLastChunkAppend()) {
            throw new RpcException(StatusCode.TRASH_ENTRY_CHANGED, "inode " + r.getInodeId()
                    + " got chunk infos after its objects were deleted");
        }
        if (present) {
            w.deleteInode(p.id(), r.getInodeId());
            w.deleteTrash(p.id(), r.getDtime(), r.getInodeId());
            w.deleteKept(p.id(), r.getInodeId());
            w.putFileLocks(p.id(), r.getInodeId(), FileLocks.getDefaultInstance());
        }
        return ReclaimInodeResponse.newBuilder().setStatus(Statuses.OK).setReclaimed(present).build();
    }
}
