package io.curvefs.common.meta;

import io.curvefs.proto.mds.ListPartitionResponse;

/** Where a route table comes from: the MDS in production, canned answers in unit tests. */
@FunctionalInterface
public interface PartitionSource {
    /** Partitions of the fs and their copysets; throws RpcException when the answer is not OK. */
    ListPartitionResponse listPartitions(int fsId);
}
