package io.curvefs.mds.schedule;

import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaderBalancerTest {
    private static final long NOW = 1_000_000;
    private static final String A = "127.0.0.1:1", B = "127.0.0.1:2", C = "127.0.0.1:3";

    private static CopysetInfo copyset(int id, String leader) {
        return CopysetInfo.newBuilder().setPoolId(1).setCopysetId(id).setLeader(leader)
                .addPeers(Peer.newBuilder().setMetaserverId(1).setAddress(A))
                .addPeers(Peer.newBuilder().setMetaserverId(2).setAddress(B))
                .addPeers(Peer.newBuilder().setMetaserverId(3).setAddress(C)).build();
    }

    private static LeaderBalancer balancer(List<Integer> online) {
        MetaserverLiveness liveness = new MetaserverLiveness(10_000, 60_000);
        liveness.resetAll(List.of(1, 2, 3), NOW - 100_000);   // all silent for long: offline
        online.forEach(id -> liveness.seen(id, NOW));
        return new LeaderBalancer(null, liveness, null);
    }

    /** Applies planned moves until none is left; returns the final leader of each copyset. */
    private static List<CopysetInfo> converge(LeaderBalancer b, List<CopysetInfo> copysets) {
        List<CopysetInfo> state = new ArrayList<>(copysets);
        for (int round = 0; round < 10; round++) {
            Optional<LeaderBalancer.Move> move = b.planMove(state, NOW);
            if (move.isEmpty()) {
                return state;
            }
            CopysetInfo moved = move.get().copyset().toBuilder().setLeader(move.get().to()).build();
            state.replaceAll(c -> c.getCopysetId() == moved.getCopysetId() ? moved : c);
        }
        throw new AssertionError("no convergence: " + state);
    }

    @Test
    void oneServerLeadingEverythingEndsWithOneLeaderEach() {
        List<CopysetInfo> end = converge(balancer(List.of(1, 2, 3)), List.of(copyset(1, A), copyset(2, A), copyset(3, A)));
        assertEquals(3, end.stream().map(CopysetInfo::getLeader).distinct().count(), end.toString());
    }

    @Test
    void balancedLeadersAreLeftAlone() {
        assertTrue(balancer(List.of(1, 2, 3)).planMove(List.of(copyset(1, A), copyset(2, B), copyset(3, C)), NOW).isEmpty());
        assertTrue(balancer(List.of(1, 2, 3)).planMove(List.of(copyset(1, A), copyset(2, A), copyset(3, B), copyset(4, C)), NOW)
                .isEmpty(), "a gap of one cannot be improved");
    }

    @Test
    void leadershipNeverGoesToAnOfflineServer() {
        List<CopysetInfo> end = converge(balancer(List.of(1, 2)), List.of(copyset(1, A), copyset(2, A), copyset(3, A), copyset(4, A)));
        assertTrue(end.stream().noneMatch(c -> c.getLeader().equals(C)), end.toString());
        assertEquals(2, end.stream().filter(c -> c.getLeader().equals(A)).count(), end.toString());
    }
}
