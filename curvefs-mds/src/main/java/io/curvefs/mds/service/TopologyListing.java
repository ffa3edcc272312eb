package io.curvefs.mds.service;

import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.heartbeat.HeartbeatReports;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.proto.topology.CopysetRecord;
import io.curvefs.proto.topology.ListTopologyResponse;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;
import io.curvefs.proto.topology.ZoneInfo;

import java.util.HashMap;
import java.util.Map;

/** The whole topology for tools: persisted records joined with what heartbeats told; tokens never leave. */
final class TopologyListing {
    private final MdsStore store;
    private final MetaserverLiveness liveness;
    private final HeartbeatReports reports;
    private final PartitionManager partitions;

    TopologyListing(MdsStore store, MetaserverLiveness liveness, HeartbeatReports reports, PartitionManager partitions) {
        this.store = store;
        this.liveness = liveness;
        this.reports = reports;
        this.partitions = partitions;
    }

    ListTopologyResponse list() {
        long now = System.currentTimeMillis();
        ListTopologyResponse.Builder out = ListTopologyResponse.newBuilder().setStatus(Statuses.OK)
                .addAllPools(store.scan(MdsKeys.POOLS, PoolInfo.parser()))
                .addAllZones(store.scan(MdsKeys.ZONES, ZoneInfo.parser()))
                .addAllServers(store.scan(MdsKeys.SERVERS, ServerInfo.parser()));
        Map<Integer, Integer> copysetCounts = new HashMap<>();
        store.scan(MdsKeys.COPYSETS, CopysetRecord.parser())
                .forEach(r -> r.getMetaserverIdsList().forEach(id -> copysetCounts.merge(id, 1, Integer::sum)));
        for (MetaServerInfo ms : store.scan(MdsKeys.METASERVERS, MetaServerInfo.parser())) {
            int id = ms.getMetaserverId();
            HeartbeatReports.Disk disk = reports.disk(id);
            out.addMetaservers(ms.toBuilder().clearToken().setState(liveness.state(id, now))
                    .setLastHeartbeatMs(liveness.lastSeenMs(id)).setCopysetCount(copysetCounts.getOrDefault(id, 0))
                    .setLeaderCount(reports.leaderCount(id)).setDiskUsed(disk.used()).setDiskCapacity(disk.capacity()));
        }
        out.addAllCopysets(partitions.copysetInfos().values());
        return out.build();
    }
}
