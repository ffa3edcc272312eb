package io.curvefs.common.meta;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.PartitionRef;

/**
 * Where requests for one partition go: the partition as the MDS described it, the channel to its
 * copyset, and the route table version it was read from (so that a caller who finds it stale can ask
 * for a refresh of exactly that version).
 */
public record Route(PartitionInfo partition, LeaderChannel channel, long version) {

    public int partitionId() {
        return partition.getPartitionId();
    }

    public boolean owns(long inodeId) {
        return inodeId >= partition.getStart() && inodeId <= partition.getEnd();
    }

    /** The address every metaserver request carries. */
    public PartitionRef ref() {
        return PartitionRef.newBuilder()
                .setPoolId(partition.getPoolId())
                .setCopysetId(partition.getCopysetId())
                .setPartitionId(partition.getPartitionId())
                .setFsId(partition.getFsId())
                .build();
    }
}
