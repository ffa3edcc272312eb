package io.curvefs.mds;

import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.TopologyServerSpec;

import java.util.List;

/** Topology requests for tests: pool1 with one server per zone at the given addresses. */
final class Topologies {
    private Topologies() {
    }

    static TopologyServerSpec server(String name, String address, String zone) {
        String[] hp = address.split(":");
        return TopologyServerSpec.newBuilder().setName(name).setInternalIp(hp[0])
                .setInternalPort(Integer.parseInt(hp[1])).setExternalIp(hp[0])
                .setExternalPort(Integer.parseInt(hp[1])).setZone(zone).setPool("pool1").build();
    }

    static PoolInfo pool1() {
        return PoolInfo.newBuilder().setName("pool1").setReplicaNum(3).setCopysetNum(0).setZoneNum(3).build();
    }

    static CreateTopologyRequest threeZones(List<String> addresses) {
        CreateTopologyRequest.Builder b = CreateTopologyRequest.newBuilder().addPools(pool1());
        for (int i = 0; i < addresses.size(); i++) {
            b.addServers(server("server" + i, addresses.get(i), "zone" + (i + 1)));
        }
        return b.build();
    }
}
