package io.curvefs.mds.heartbeat;

import io.curvefs.proto.topology.OnlineState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetaserverLivenessTest {
    @Test
    void silenceMakesAMetaserverUnstableThenOffline() {
        MetaserverLiveness liveness = new MetaserverLiveness(10_000, 60_000);
        assertEquals(OnlineState.OFFLINE, liveness.state(1, 0), "never heard of");
        liveness.seen(1, 1_000);
        assertEquals(OnlineState.ONLINE, liveness.state(1, 10_999));
        assertEquals(OnlineState.UNSTABLE, liveness.state(1, 11_000));
        assertEquals(OnlineState.OFFLINE, liveness.state(1, 61_000));
        liveness.seen(1, 61_000);
        assertEquals(OnlineState.ONLINE, liveness.state(1, 61_001));
    }

    @Test
    void aNewLeaderGivesEveryKnownMetaserverAFullPeriod() {
        MetaserverLiveness liveness = new MetaserverLiveness(10_000, 60_000);
        liveness.resetAll(List.of(1, 2), 100_000);
        assertEquals(OnlineState.ONLINE, liveness.state(2, 105_000));
        assertEquals(OnlineState.OFFLINE, liveness.state(3, 105_000));
    }
}
