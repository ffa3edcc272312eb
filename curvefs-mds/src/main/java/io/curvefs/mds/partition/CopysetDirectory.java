package io.curvefs.mds.partition;

import io.curvefs.mds.heartbeat.HeartbeatReports;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.topology.Addresses;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.topology.CopysetRecord;
import io.curvefs.proto.topology.MetaServerInfo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Describes copysets for routing and listing: persisted members joined with their addresses and reported leader. */
public final class CopysetDirectory {
    private final MdsStore store;
    private final HeartbeatReports reports;

    public CopysetDirectory(MdsStore store, HeartbeatReports reports) {
        this.store = store;
        this.reports = reports;
    }

    public static long key(int poolId, int copysetId) {
        return ((long) poolId << 32) | (copysetId & 0xffffffffL);
    }

    public List<CopysetRecord> records() {
        return store.scan(MdsKeys.COPYSETS, CopysetRecord.parser());
    }

    public Map<Integer, MetaServerInfo> metaservers() {
        Map<Integer, MetaServerInfo> out = new HashMap<>();
        store.scan(MdsKeys.METASERVERS, MetaServerInfo.parser()).forEach(m -> out.put(m.getMetaserverId(), m));
        return out;
    }

    /** Persisted partitions per copyset key. */
    public Map<Long, Integer> partitionCounts(List<PartitionInfo> partitions) {
        Map<Long, Integer> counts = new HashMap<>();
        partitions.forEach(p -> counts.merge(key(p.getPoolId(), p.getCopysetId()), 1, Integer::sum));
        return counts;
    }

    /** Every copyset's description with its persisted partition count, by {@link #key}. */
    public Map<Long, CopysetInfo> infos() {
        Map<Integer, MetaServerInfo> ms = metaservers();
        Map<Long, Integer> counts = partitionCounts(store.scan(MdsKeys.PARTITIONS, PartitionInfo.parser()));
        Map<Long, CopysetInfo> out = new LinkedHashMap<>();
        for (CopysetRecord r : records()) {
            long key = key(r.getPoolId(), r.getCopysetId());
            out.put(key, info(r, ms, counts.getOrDefault(key, 0)));
        }
        return out;
    }

    public CopysetInfo info(CopysetRecord r, Map<Integer, MetaServerInfo> metaservers, int partitionCount) {
        CopysetInfo.Builder b = CopysetInfo.newBuilder().setPoolId(r.getPoolId()).setCopysetId(r.getCopysetId())
                .setEpoch(r.getEpoch()).setPartitionCount(partitionCount)
                .setLeader(reports.copysetLeader(r.getPoolId(), r.getCopysetId()));
        for (int id : r.getMetaserverIdsList()) {
            MetaServerInfo ms = metaservers.get(id);
            b.addPeers(Peer.newBuilder().setMetaserverId(id).setAddress(ms == null ? "" : Addresses.of(ms)));
        }
        return b.build();
    }

    public static List<String> peerAddresses(CopysetInfo info) {
        return info.getPeersList().stream().map(Peer::getAddress).filter(a -> !a.isEmpty()).toList();
    }
}
