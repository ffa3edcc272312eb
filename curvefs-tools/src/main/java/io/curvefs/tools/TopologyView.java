package io.curvefs.tools;

import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.topology.ListTopologyResponse;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.OnlineState;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;
import io.curvefs.proto.topology.ZoneInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Answers the questions the tool asks of a ListTopology answer: where a replica lives, is a copyset healthy. */
final class TopologyView {
    private final ListTopologyResponse topology;
    private final Map<Integer, MetaServerInfo> metaservers = new HashMap<>();
    private final Map<Integer, ServerInfo> servers = new HashMap<>();
    private final Map<Integer, ZoneInfo> zones = new HashMap<>();
    private final Map<Integer, PoolInfo> pools = new HashMap<>();

    TopologyView(ListTopologyResponse topology) {
        this.topology = topology;
        topology.getMetaserversList().forEach(m -> metaservers.put(m.getMetaserverId(), m));
        topology.getServersList().forEach(s -> servers.put(s.getServerId(), s));
        topology.getZonesList().forEach(z -> zones.put(z.getZoneId(), z));
        topology.getPoolsList().forEach(p -> pools.put(p.getPoolId(), p));
    }

    List<MetaServerInfo> metaservers() {
        return topology.getMetaserversList();
    }

    /** Servers of the topology that no metaserver has registered for yet (or ever). */
    List<ServerInfo> serversWithoutMetaserver() {
        List<ServerInfo> out = new ArrayList<>();
        for (ServerInfo s : topology.getServersList()) {
            if (metaservers.values().stream().noneMatch(m -> m.getServerId() == s.getServerId())) {
                out.add(s);
            }
        }
        return out;
    }

    List<CopysetInfo> copysets() {
        return topology.getCopysetsList();
    }

    /** The zone name of the metaserver with that id, or "?" when the topology does not say. */
    String zoneOf(int metaserverId) {
        MetaServerInfo m = metaservers.get(metaserverId);
        ServerInfo s = m == null ? null : servers.get(m.getServerId());
        ZoneInfo z = s == null ? null : zones.get(s.getZoneId());
        return z == null ? "?" : z.getName();
    }

    List<String> zonesOf(CopysetInfo copyset) {
        List<String> out = new ArrayList<>();
        copyset.getPeersList().forEach(p -> out.add(zoneOf(p.getMetaserverId())));
        return out;
    }

    /**
     * Empty when the copyset is healthy: it has a leader, the replica count of its pool, and every replica
     * on an ONLINE metaserver. Otherwise the first reason it is not.
     */
    Optional<String> problemOf(CopysetInfo copyset) {
        String name = "copyset " + copyset.getPoolId() + "/" + copyset.getCopysetId();
        PoolInfo pool = pools.get(copyset.getPoolId());
        int wanted = pool == null || pool.getReplicaNum() == 0 ? 3 : pool.getReplicaNum();
        if (copyset.getPeersCount() != wanted) {
            return Optional.of(name + " has " + copyset.getPeersCount() + " of " + wanted + " replicas");
        }
        if (copyset.getLeader().isEmpty()) {
            return Optional.of(name + " has no leader");
        }
        for (Peer peer : copyset.getPeersList()) {
            MetaServerInfo m = metaservers.get(peer.getMetaserverId());
            if (m == null || m.getState() != OnlineState.ONLINE) {
                return Optional.of(name + " has a replica on " + peer.getAddress() + " which is "
                        + (m == null ? "unknown" : m.getState()));
            }
        }
        return Optional.empty();
    }

    static String address(MetaServerInfo m) {
        return m.getInternalIp() + ":" + m.getInternalPort();
    }
}
