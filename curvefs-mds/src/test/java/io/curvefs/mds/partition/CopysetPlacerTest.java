package io.curvefs.mds.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.ServerInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CopysetPlacerTest {
    private static final PoolInfo POOL = PoolInfo.newBuilder().setPoolId(1).setName("pool1").setReplicaNum(3).build();

    /** Servers 1..n, server i in zone (i-1)%zones+1, metaserver i on server i. */
    private static List<ServerInfo> servers(int n, int zones) {
        List<ServerInfo> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(ServerInfo.newBuilder().setServerId(i).setZoneId((i - 1) % zones + 1).setPoolId(1).build());
        }
        return out;
    }

    private static List<MetaServerInfo> metaservers(int n) {
        List<MetaServerInfo> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(MetaServerInfo.newBuilder().setMetaserverId(i).setServerId(i).build());
        }
        return out;
    }

    @Test
    void picksTheLeastLoadedMetaserverOfThreeDistinctZones() {
        // zones: 1 -> {1,4}, 2 -> {2,5}, 3 -> {3,6}
        List<MetaServerInfo> chosen = CopysetPlacer.choose(POOL, servers(6, 3), metaservers(6),
                Set.of(1, 2, 3, 4, 5, 6), Map.of(1, 5, 2, 0, 3, 2, 4, 1, 5, 3, 6, 2));
        assertEquals(List.of(2, 4, 3), chosen.stream().map(MetaServerInfo::getMetaserverId).toList());
    }

    @Test
    void refusesWhenFewerThanThreeZonesAreOnline() {
        RpcException e = assertThrows(RpcException.class, () -> CopysetPlacer.choose(POOL, servers(3, 3),
                metaservers(3), Set.of(1, 2), Map.of()));
        assertEquals(StatusCode.NOT_ENOUGH_METASERVERS, e.code());
        RpcException twoZones = assertThrows(RpcException.class, () -> CopysetPlacer.choose(POOL, servers(4, 2),
                metaservers(4), Set.of(1, 2, 3, 4), Map.of()));
        assertEquals(StatusCode.NOT_ENOUGH_METASERVERS, twoZones.code());
    }
}
