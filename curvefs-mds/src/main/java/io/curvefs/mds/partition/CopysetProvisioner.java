package io.curvefs.mds.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.CopysetRecord;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.OnlineState;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Supplies copysets that can take partitions, creating new ones on metaservers (3 replicas in 3 distinct
 * zones) when too few exist. A copyset is persisted only once it has elected a leader.
 */
final class CopysetProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(CopysetProvisioner.class);

    private final MdsStore store;
    private final CopysetDirectory directory;
    private final MetaserverClient metaservers;
    private final MetaserverLiveness liveness;
    private final int maxPartitions;
    /** Creation decides from the copysets that exist, so it runs one at a time. */
    private final ReentrantLock copysetCreation = new ReentrantLock();

    CopysetProvisioner(MdsStore store, CopysetDirectory directory, MetaserverClient metaservers,
                       MetaserverLiveness liveness, int maxPartitions) {
        this.store = store;
        this.directory = directory;
        this.metaservers = metaservers;
        this.liveness = liveness;
        this.maxPartitions = maxPartitions;
    }

    /**
     * At least {@code min} copysets that can take another partition (room left, a majority of members
     * online), creating copysets as needed. New copysets elect their leaders in parallel.
     */
    List<CopysetInfo> withRoom(int min) {
        copysetCreation.lock();
        try {
            long now = System.currentTimeMillis();
            List<CopysetInfo> usable = new ArrayList<>(directory.infos().values().stream()
                    .filter(c -> c.getPartitionCount() < maxPartitions)
                    .filter(c -> onlineMembers(c, now) * 2 > c.getPeersCount()).toList());
            List<CopysetInfo> fresh = new ArrayList<>();
            Map<Integer, Integer> load = copysetsPerMetaserver();
            for (int i = usable.size(); i < min; i++) {
                CopysetInfo c = createReplicas(load);
                c.getPeersList().forEach(peer -> load.merge(peer.getMetaserverId(), 1, Integer::sum));
                fresh.add(c);
            }
            for (CopysetInfo c : fresh) {
                usable.add(persistOnceLed(c));
            }
            return usable;
        } finally {
            copysetCreation.unlock();
        }
    }

    private long onlineMembers(CopysetInfo c, long now) {
        return c.getPeersList().stream()
                .filter(peer -> liveness.state(peer.getMetaserverId(), now) == OnlineState.ONLINE).count();
    }

    private Map<Integer, Integer> copysetsPerMetaserver() {
        Map<Integer, Integer> load = new HashMap<>();
        directory.records().forEach(r -> r.getMetaserverIdsList().forEach(id -> load.merge(id, 1, Integer::sum)));
        return load;
    }

    /** Chooses members in the first pool that can host a copyset and creates its replicas there. */
    private CopysetInfo createReplicas(Map<Integer, Integer> load) {
        List<PoolInfo> pools = store.scan(MdsKeys.POOLS, PoolInfo.parser());
        if (pools.isEmpty()) {
            throw new RpcException(StatusCode.NOT_ENOUGH_METASERVERS, "no pool in the topology; run create-topology");
        }
        List<ServerInfo> servers = store.scan(MdsKeys.SERVERS, ServerInfo.parser());
        List<MetaServerInfo> all = store.scan(MdsKeys.METASERVERS, MetaServerInfo.parser());
        long now = System.currentTimeMillis();
        Set<Integer> online = new HashSet<>();
        all.stream().filter(m -> liveness.state(m.getMetaserverId(), now) == OnlineState.ONLINE)
                .forEach(m -> online.add(m.getMetaserverId()));
        RpcException firstRefusal = null;
        for (PoolInfo pool : pools) {
            List<MetaServerInfo> members;
            try {
                members = CopysetPlacer.choose(pool, servers, all, online, load);
            } catch (RpcException e) {
                firstRefusal = firstRefusal == null ? e : firstRefusal;
                continue;
            }
            // the id is persisted first so that it is never handed out twice, even if this creation fails
            int copysetId = store.mutate(txn -> txn.nextId("copyset"));
            CopysetRecord record = CopysetRecord.newBuilder().setPoolId(pool.getPoolId()).setCopysetId(copysetId)
                    .addAllMetaserverIds(members.stream().map(MetaServerInfo::getMetaserverId).toList()).build();
            Map<Integer, MetaServerInfo> byId = new HashMap<>();
            members.forEach(m -> byId.put(m.getMetaserverId(), m));
            CopysetInfo info = directory.info(record, byId, 0);
            metaservers.createReplicas(info);
            return info;
        }
        throw firstRefusal;
    }

    /** Persists a new copyset once it has elected a leader, so that partitions are only placed on working ones. */
    private CopysetInfo persistOnceLed(CopysetInfo info) {
        String leader = metaservers.awaitLeader(info);
        CopysetRecord record = CopysetRecord.newBuilder().setPoolId(info.getPoolId()).setCopysetId(info.getCopysetId())
                .addAllMetaserverIds(info.getPeersList().stream().map(Peer::getMetaserverId).toList()).build();
        store.mutate(txn -> {
            txn.put(MdsKeys.copyset(record.getPoolId(), record.getCopysetId()), record);
            return null;
        });
        LOG.info("created copyset {} on {} (leader {})", MetaserverClient.name(info),
                CopysetDirectory.peerAddresses(info), leader);
        return info.toBuilder().setLeader(leader).build();
    }
}
