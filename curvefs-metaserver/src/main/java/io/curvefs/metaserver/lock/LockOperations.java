package io.curvefs.metaserver.lock;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.FileLocks;
import io.curvefs.proto.metaserver.GetLockRequest;
import io.curvefs.proto.metaserver.GetLockResponse;
import io.curvefs.proto.metaserver.LockChange;
import io.curvefs.proto.metaserver.SetLockRequest;
import io.curvefs.proto.metaserver.SetLockResponse;

import java.util.List;

/**
 * File locks shared by every mount of a file system (fcntl record locks and flock), kept with the inode
 * in its partition, so that they survive the loss of a replica and a change of leader like any other
 * metadata. A lock is taken by one raft entry that checks and records it; F_GETLK is a read on the
 * leader. Locks of a mount that ends without unlocking go with its session ({@link AbandonedLocks}).
 */
public final class LockOperations {
    private LockOperations() {
    }

    public static SetLockResponse set(MetaWriter w, SetLockRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        long ino = r.getInodeId();
        p.requireOwns(ino);
        List<FileLock> locks = w.fileLocks(p.id(), ino).getLocksList();
        List<FileLock> after = switch (r.getChange()) {
            case UNLOCK -> LockTable.unlock(locks, r.getLock());
            case RELEASE_HOLDER -> LockTable.releaseHolder(locks, r.getLock().getHolder());
            case READ_LOCK, WRITE_LOCK -> {
                InodeOperations.require(w, p, ino);
                FileLock wanted = r.getLock().toBuilder().setWrite(r.getChange() == LockChange.WRITE_LOCK).build();
                if (LockTable.conflict(locks, wanted).isPresent()) {
                    throw new RpcException(StatusCode.LOCK_CONFLICT, "inode " + ino + " is locked by another owner");
                }
                yield LockTable.lock(locks, wanted);
            }
            case UNRECOGNIZED -> throw new RpcException(StatusCode.INVALID_ARGUMENT, "unknown lock change");
        };
        if (!after.equals(locks)) {
            w.putFileLocks(p.id(), ino, FileLocks.newBuilder().addAllLocks(after).build());
        }
        return SetLockResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    public static GetLockResponse get(MetaReader reader, GetLockRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        InodeOperations.require(reader, p, r.getInodeId());
        GetLockResponse.Builder out = GetLockResponse.newBuilder().setStatus(Statuses.OK);
        LockTable.conflict(reader.fileLocks(p.id(), r.getInodeId()).getLocksList(), r.getLock())
                .ifPresent(out::setConflict);
        return out.build();
    }
}
