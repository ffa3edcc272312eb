package io.curvefs.mds.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the members of a new copyset: one online metaserver in each of 3 distinct zones of a pool,
 * preferring the metaservers (and zones) that host the fewest copysets.
 */
final class CopysetPlacer {
    static final int REPLICAS = 3;

    private CopysetPlacer() {
    }

    /**
     * @param online        ids of the metaservers that are online now
     * @param copysetCounts copysets per metaserver id
     */
    static List<MetaServerInfo> choose(PoolInfo pool, List<ServerInfo> servers, List<MetaServerInfo> metaservers,
                                       Set<Integer> online, Map<Integer, Integer> copysetCounts) {
        Map<Integer, Integer> zoneOfServer = new HashMap<>();
        servers.stream().filter(s -> s.getPoolId() == pool.getPoolId())
                .forEach(s -> zoneOfServer.put(s.getServerId(), s.getZoneId()));
        Comparator<MetaServerInfo> leastLoaded = Comparator
                .<MetaServerInfo>comparingInt(m -> copysetCounts.getOrDefault(m.getMetaserverId(), 0))
                .thenComparingInt(MetaServerInfo::getMetaserverId);
        Map<Integer, MetaServerInfo> bestPerZone = new HashMap<>();
        for (MetaServerInfo m : metaservers) {
            Integer zone = zoneOfServer.get(m.getServerId());
            if (zone != null && online.contains(m.getMetaserverId())) {
                bestPerZone.merge(zone, m, (a, b) -> leastLoaded.compare(a, b) <= 0 ? a : b);
            }
        }
        if (bestPerZone.size() < REPLICAS) {
            throw new RpcException(StatusCode.NOT_ENOUGH_METASERVERS, "pool " + pool.getName()
                    + " has online metaservers in " + bestPerZone.size() + " zone(s); a copyset needs "
                    + REPLICAS + " in distinct zones");
        }
        List<MetaServerInfo> chosen = new ArrayList<>(bestPerZone.values());
        chosen.sort(leastLoaded);
        return List.copyOf(chosen.subList(0, REPLICAS));
    }
}
