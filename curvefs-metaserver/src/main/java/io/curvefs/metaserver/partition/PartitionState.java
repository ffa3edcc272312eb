package io.curvefs.metaserver.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.PartitionRef;

/**
 * One partition's record while an entry changes it: id allocation and the counters that travel to
 * the MDS. The caller writes {@link #info()} back in the same batch as the change it counts.
 */
public final class PartitionState {
    private final PartitionInfo.Builder info;

    private PartitionState(PartitionInfo info) {
        this.info = info.toBuilder();
    }

    /**
     * Loads the addressed partition, refusing unknown, deleting or other file systems' ones
     * ({@code ref.fs_id} 0 = any file system).
     */
    public static PartitionState load(MetaReader reader, PartitionRef ref) {
        int partitionId = ref.getPartitionId();
        int fsId = ref.getFsId();
        PartitionInfo p = reader.partition(partitionId).orElseThrow(() ->
                new RpcException(StatusCode.PARTITION_NOT_FOUND, "no partition " + partitionId + " here"));
        if (fsId != 0 && p.getFsId() != fsId) {
            throw new RpcException(StatusCode.PARTITION_NOT_FOUND,
                    "partition " + partitionId + " belongs to fs " + p.getFsId() + ", not " + fsId);
        }
        if (p.getStatus() == PartitionStatus.DELETING) {
            throw new RpcException(StatusCode.PARTITION_DELETING, "partition " + partitionId + " is being deleted");
        }
        return new PartitionState(p);
    }

    /** Regular files count towards the partition's bytes. */
    private static boolean countsBytes(FsFileType type) {
        return type == FsFileType.TYPE_FILE || type == FsFileType.TYPE_S3;
    }

    public int id() {
        return info.getPartitionId();
    }

    public int fsId() {
        return info.getFsId();
    }

    public boolean owns(long ino) {
        return ino >= info.getStart() && ino <= info.getEnd();
    }

    /** Refuses ids of other partitions, so that a stale client route cannot touch them here. */
    public void requireOwns(long ino) {
        if (!owns(ino)) {
            throw new RpcException(StatusCode.INODE_OUT_OF_RANGE, "inode " + ino + " is not in partition "
                    + info.getPartitionId() + " [" + info.getStart() + ", " + info.getEnd() + "]");
        }
    }

    /** Fails with PARTITION_READONLY unless an id is left; call before any write of the entry. */
    public void requireWritable() {
        if (info.getStatus() == PartitionStatus.READONLY || info.getNextId() > info.getEnd()) {
            throw new RpcException(StatusCode.PARTITION_READONLY, "partition " + info.getPartitionId()
                    + " has handed out its whole range");
        }
    }

    /** Hands out the next id; handing out the last one makes the partition READONLY for good. */
    public long allocateId() {
        requireWritable();
        long id = info.getNextId();
        info.setNextId(id + 1);
        if (id + 1 > info.getEnd()) {
            info.setStatus(PartitionStatus.READONLY);
        }
        return id;
    }

    public void inodeAdded(FsFileType type, long length) {
        info.setInodeCount(info.getInodeCount() + 1);
        lengthChanged(type, 0, length);
    }

    public void inodeRemoved(FsFileType type, long length) {
        info.setInodeCount(Math.max(0, info.getInodeCount() - 1));
        lengthChanged(type, length, 0);
    }

    public void lengthChanged(FsFileType type, long oldLength, long newLength) {
        if (countsBytes(type)) {
            info.setBytes(Math.max(0, info.getBytes() - oldLength + newLength));
        }
    }

    public void dentryAdded() {
        info.setDentryCount(info.getDentryCount() + 1);
    }

    public void dentryRemoved() {
        info.setDentryCount(Math.max(0, info.getDentryCount() - 1));
    }

    public void markHoldsRoot() {
        info.setHoldsRoot(true);
    }

    public PartitionInfo info() {
        return info.build();
    }
}
