package io.curvefs.mds.topology;

import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.state.Txn;
import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.CreateTopologyResponse;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;
import io.curvefs.proto.topology.TopologyServerSpec;
import io.curvefs.proto.topology.ZoneInfo;
import io.curvefs.common.rpc.Statuses;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.curvefs.mds.topology.TopologyRequestCheck.invalid;

/**
 * Applies a create-topology request idempotently: creates the pools, zones and servers that are missing
 * and refuses (creating nothing) a request that contradicts what exists.
 */
public final class TopologyCreator {
    private final MdsStore store;

    public TopologyCreator(MdsStore store) {
        this.store = store;
    }

    public CreateTopologyResponse create(CreateTopologyRequest req) {
        TopologyRequestCheck.check(req);
        return store.mutate(txn -> apply(txn, req));
    }

    private CreateTopologyResponse apply(Txn txn, CreateTopologyRequest req) {
        Map<String, PoolInfo> pools = new HashMap<>();
        txn.scan(MdsKeys.POOLS, PoolInfo.parser()).forEach(p -> pools.put(p.getName(), p));
        Map<String, ZoneInfo> zones = new HashMap<>();
        txn.scan(MdsKeys.ZONES, ZoneInfo.parser()).forEach(z -> zones.put(zoneKey(z.getPoolId(), z.getName()), z));
        Map<String, ServerInfo> serversByName = new HashMap<>();
        Map<String, ServerInfo> serversByAddress = new HashMap<>();
        for (ServerInfo s : txn.scan(MdsKeys.SERVERS, ServerInfo.parser())) {
            serversByName.put(s.getHostname(), s);
            serversByAddress.put(Addresses.of(s), s);
        }
        int poolsCreated = 0;
        int zonesCreated = 0;
        int serversCreated = 0;
        for (PoolInfo p : req.getPoolsList()) {
            PoolInfo existing = pools.get(p.getName());
            if (existing == null) {
                PoolInfo created = p.toBuilder().setPoolId(txn.nextId("pool")).build();
                txn.put(MdsKeys.pool(created.getPoolId()), created);
                pools.put(created.getName(), created);
                poolsCreated++;
            } else if (existing.getReplicaNum() != p.getReplicaNum() || existing.getCopysetNum() != p.getCopysetNum()
                    || existing.getZoneNum() != p.getZoneNum()) {
                throw invalid("pool " + p.getName() + " exists with " + describe(existing) + ", the request has "
                        + describe(p));
            }
        }
        Set<Integer> touchedPools = new HashSet<>();
        for (TopologyServerSpec spec : req.getServersList()) {
            PoolInfo pool = pools.get(spec.getPool());
            if (pool == null) {
                throw invalid("server " + spec.getName() + " references unknown pool " + spec.getPool());
            }
            touchedPools.add(pool.getPoolId());
            ZoneInfo zone = zones.get(zoneKey(pool.getPoolId(), spec.getZone()));
            if (zone == null) {
                zone = ZoneInfo.newBuilder().setZoneId(txn.nextId("zone")).setName(spec.getZone())
                        .setPoolId(pool.getPoolId()).build();
                txn.put(MdsKeys.zone(zone.getZoneId()), zone);
                zones.put(zoneKey(pool.getPoolId(), zone.getName()), zone);
                zonesCreated++;
            }
            ServerInfo wanted = ServerInfo.newBuilder().setHostname(spec.getName())
                    .setInternalIp(spec.getInternalIp()).setInternalPort(spec.getInternalPort())
                    .setExternalIp(spec.getExternalIp().isBlank() ? spec.getInternalIp() : spec.getExternalIp())
                    .setExternalPort(spec.getExternalPort() == 0 ? spec.getInternalPort() : spec.getExternalPort())
                    .setZoneId(zone.getZoneId()).setPoolId(pool.getPoolId()).build();
            ServerInfo existing = serversByName.get(spec.getName());
            if (existing != null) {
                if (!existing.toBuilder().setServerId(0).build().equals(wanted)) {
                    throw invalid("server " + spec.getName() + " exists with " + describe(existing, zones, pools)
                            + ", the request has " + describe(wanted, zones, pools));
                }
                continue;
            }
            ServerInfo sameAddress = serversByAddress.get(Addresses.of(wanted));
            if (sameAddress != null) {
                throw invalid("server " + spec.getName() + ": address " + Addresses.of(wanted)
                        + " already belongs to server " + sameAddress.getHostname());
            }
            ServerInfo created = wanted.toBuilder().setServerId(txn.nextId("server")).build();
            txn.put(MdsKeys.server(created.getServerId()), created);
            serversByName.put(created.getHostname(), created);
            serversByAddress.put(Addresses.of(created), created);
            serversCreated++;
        }
        for (PoolInfo pool : pools.values()) {
            if (touchedPools.contains(pool.getPoolId())) {
                checkZoneCount(pool, zones);
            }
        }
        return CreateTopologyResponse.newBuilder().setStatus(Statuses.OK).setPoolsCreated(poolsCreated)
                .setZonesCreated(zonesCreated).setServersCreated(serversCreated).build();
    }

    private static void checkZoneCount(PoolInfo pool, Map<String, ZoneInfo> zones) {
        long count = zones.values().stream().filter(z -> z.getPoolId() == pool.getPoolId()).count();
        if (count > pool.getZoneNum()) {
            throw invalid("pool " + pool.getName() + " declares zonenum " + pool.getZoneNum() + " but its servers are in "
                    + count + " zones");
        }
        if (count < pool.getReplicaNum()) {
            throw invalid("pool " + pool.getName() + " needs servers in at least " + pool.getReplicaNum()
                    + " zones (one per replica), its servers are in " + count);
        }
    }

    private static String zoneKey(int poolId, String zone) {
        return poolId + "/" + zone;
    }

    private static String describe(PoolInfo p) {
        return "replicasnum=" + p.getReplicaNum() + " copysetnum=" + p.getCopysetNum() + " zonenum=" + p.getZoneNum();
    }

    private static String describe(ServerInfo s, Map<String, ZoneInfo> zones, Map<String, PoolInfo> pools) {
        String zone = zones.values().stream().filter(z -> z.getZoneId() == s.getZoneId()).map(ZoneInfo::getName)
                .findFirst().orElse("?");
        String pool = pools.values().stream().filter(p -> p.getPoolId() == s.getPoolId()).map(PoolInfo::getName)
                .findFirst().orElse("?");
        return "internal " + Addresses.of(s) + " external " + Addresses.of(s.getExternalIp(), s.getExternalPort())
                + " zone " + zone + " pool " + pool;
    }
}
