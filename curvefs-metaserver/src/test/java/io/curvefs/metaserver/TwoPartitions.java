package io.curvefs.metaserver;

import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.partition.PartitionOperations;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.Time;

/** Two partitions of fs 3 in copyset 1/1: partition 1 (ids 0-999) with the root, partition 2 (ids 1000-1999). */
public final class TwoPartitions {
    public static final int FS = 3;
    public static final PartitionRef P1 = ref(1);
    static final PartitionRef P2 = ref(2);
    static final long ROOT = 1;
    /** When the partitions and the root were made, and a later time for changes. */
    public static final Time T1 = Time.newBuilder().setSec(1_700_000_000L).build();
    static final Time T2 = Time.newBuilder().setSec(1_700_000_500L).setNsec(7).build();

    private TwoPartitions() {
    }

    static PartitionRef ref(int id) {
        return PartitionRef.newBuilder().setPoolId(1).setCopysetId(1).setPartitionId(id).build();
    }

    public static void create(MetaWriter w, int rootMode) {
        PartitionOperations ops = new PartitionOperations(1, 1);
        ops.create(w, CreatePartitionRequest.newBuilder().setPartition(PartitionInfo.newBuilder().setFsId(FS)
                .setPoolId(1).setCopysetId(1).setPartitionId(1).setStart(0).setEnd(999).setHoldsRoot(true)).build());
        ops.create(w, CreatePartitionRequest.newBuilder().setPartition(PartitionInfo.newBuilder().setFsId(FS)
                .setPoolId(1).setCopysetId(1).setPartitionId(2).setStart(1000).setEnd(1999)).build());
        InodeOperations.createRoot(w, CreateRootInodeRequest.newBuilder().setPartition(P1).setMode(rootMode)
                .setTime(T1).build());
    }
}
