package io.curvefs.mds.heartbeat;

import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.topology.Addresses;
import io.curvefs.mds.topology.MetaserverRegistry;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.heartbeat.CopysetReport;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes a metaserver's heartbeat: checks its identity, notes that it is alive, and records what it
 * reports. The only persisted effect: a partition reported READONLY (its range is used up) becomes
 * READONLY in the MDS for good, so clients stop placing inodes there.
 */
public final class HeartbeatHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatHandler.class);

    private final MdsStore store;
    private final MetaserverRegistry registry;
    private final MetaserverLiveness liveness;
    private final HeartbeatReports reports;

    public HeartbeatHandler(MdsStore store, MetaserverRegistry registry, MetaserverLiveness liveness,
                            HeartbeatReports reports) {
        this.store = store;
        this.registry = registry;
        this.liveness = liveness;
        this.reports = reports;
    }

    public MetaServerHeartbeatResponse handle(MetaServerHeartbeatRequest req) {
        registry.authenticate(req.getMetaserverId(), req.getToken(), Addresses.of(req.getIp(), req.getPort()));
        liveness.seen(req.getMetaserverId(), System.currentTimeMillis());
        reports.record(req.getMetaserverId(), req.getCopysetsList());
        reports.recordDisk(req.getMetaserverId(), req.getDiskUsed(), req.getDiskCapacity());
        List<Integer> nowReadonly = new ArrayList<>();
        for (CopysetReport c : req.getCopysetsList()) {
            for (PartitionInfo reported : c.getPartitionsList()) {
                if (reported.getStatus() == PartitionStatus.READONLY && isWritable(reported.getPartitionId())) {
                    nowReadonly.add(reported.getPartitionId());
                }
            }
        }
        if (!nowReadonly.isEmpty()) {
            markReadonly(nowReadonly);
        }
        return MetaServerHeartbeatResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    private boolean isWritable(int partitionId) {
        return store.get(MdsKeys.partition(partitionId), PartitionInfo.parser())
                .map(p -> p.getStatus() == PartitionStatus.READWRITE).orElse(false);
    }

    private void markReadonly(List<Integer> partitionIds) {
        store.mutate(txn -> {
            for (int id : partitionIds) {
                txn.get(MdsKeys.partition(id), PartitionInfo.parser())
                        .filter(p -> p.getStatus() == PartitionStatus.READWRITE)
                        .ifPresent(p -> txn.put(MdsKeys.partition(id),
                                p.toBuilder().setStatus(PartitionStatus.READONLY).build()));
            }
            return null;
        });
        LOG.info("partitions {} are full: now READONLY", partitionIds);
    }
}
