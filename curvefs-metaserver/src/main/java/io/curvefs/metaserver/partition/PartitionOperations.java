package io.curvefs.metaserver.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.metaserver.DeletePartitionResponse;
import io.curvefs.proto.metaserver.GetPartitionRequest;
import io.curvefs.proto.metaserver.GetPartitionResponse;

/** Creating, deleting and reading the partitions of one copyset. */
public final class PartitionOperations {
    /** Ids 1 (root) and 2 (recycle) are never allocated. */
    static final long FIRST_ALLOCATABLE_ID = 3;

    private final int poolId;
    private final int copysetId;

    public PartitionOperations(int poolId, int copysetId) {
        this.poolId = poolId;
        this.copysetId = copysetId;
    }

    /** Idempotent: the same partition again is OK; another one under the same id is ALREADY_EXISTS. */
    public CreatePartitionResponse create(MetaWriter w, CreatePartitionRequest request) {
        PartitionInfo wanted = request.getPartition();
        requireThisCopyset(wanted.getPoolId(), wanted.getCopysetId());
        if (wanted.getStart() > wanted.getEnd()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "partition range [" + wanted.getStart() + ", "
                    + wanted.getEnd() + "] is empty");
        }
        PartitionInfo existing = w.partition(wanted.getPartitionId()).orElse(null);
        if (existing != null) {
            if (existing.getFsId() == wanted.getFsId() && existing.getStart() == wanted.getStart()
                    && existing.getEnd() == wanted.getEnd()) {
                return CreatePartitionResponse.newBuilder().setStatus(Statuses.OK).build();
            }
            throw new RpcException(StatusCode.ALREADY_EXISTS, "partition " + wanted.getPartitionId()
                    + " exists with fs " + existing.getFsId() + " range [" + existing.getStart() + ", "
                    + existing.getEnd() + "]");
        }
        long nextId = Math.max(FIRST_ALLOCATABLE_ID, wanted.getStart());
        w.putPartition(PartitionInfo.newBuilder()
                .setFsId(wanted.getFsId()).setPoolId(poolId).setCopysetId(copysetId)
                .setPartitionId(wanted.getPartitionId()).setStart(wanted.getStart()).setEnd(wanted.getEnd())
                .setNextId(nextId).setHoldsRoot(wanted.getHoldsRoot())
                .setStatus(nextId > wanted.getEnd() ? PartitionStatus.READONLY : PartitionStatus.READWRITE)
                .build());
        return CreatePartitionResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    /** Drops the partition with everything in it, in the entry's batch. */
    public DeletePartitionResponse delete(MetaWriter w, DeletePartitionRequest request) {
        requireThisCopyset(request.getPoolId(), request.getCopysetId());
        if (w.partition(request.getPartitionId()).isEmpty()) {
            throw new RpcException(StatusCode.PARTITION_NOT_FOUND, "no partition " + request.getPartitionId());
        }
        w.dropPartition(request.getPartitionId());
        return DeletePartitionResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    public static GetPartitionResponse get(MetaReader r, GetPartitionRequest request) {
        PartitionInfo p = r.partition(request.getPartitionId()).orElseThrow(() ->
                new RpcException(StatusCode.PARTITION_NOT_FOUND, "no partition " + request.getPartitionId()));
        return GetPartitionResponse.newBuilder().setStatus(Statuses.OK).setPartition(p).build();
    }

    private void requireThisCopyset(int pool, int copyset) {
        if (pool != poolId || copyset != copysetId) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "request for copyset " + pool + "/" + copyset
                    + " sent to copyset " + poolId + "/" + copysetId);
        }
    }
}
