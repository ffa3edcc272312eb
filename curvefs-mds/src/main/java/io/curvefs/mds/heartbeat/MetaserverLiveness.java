package io.curvefs.mds.heartbeat;

import io.curvefs.proto.topology.OnlineState;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each metaserver was last heard from, on this leader (soft state). A new leader knows no history,
 * so it starts every known metaserver's clock at its serving start: nobody is declared offline before a
 * full offline period has passed without a heartbeat to this leader.
 */
public final class MetaserverLiveness {
    private final long unstableAfterMs;
    private final long offlineAfterMs;
    private final Map<Integer, Long> lastSeenMs = new ConcurrentHashMap<>();

    public MetaserverLiveness(long unstableAfterMs, long offlineAfterMs) {
        this.unstableAfterMs = unstableAfterMs;
        this.offlineAfterMs = offlineAfterMs;
    }

    public void resetAll(Collection<Integer> metaserverIds, long nowMs) {
        lastSeenMs.clear();
        metaserverIds.forEach(id -> lastSeenMs.put(id, nowMs));
    }

    public void seen(int metaserverId, long nowMs) {
        lastSeenMs.put(metaserverId, nowMs);
    }

    public long lastSeenMs(int metaserverId) {
        return lastSeenMs.getOrDefault(metaserverId, 0L);
    }

    public OnlineState state(int metaserverId, long nowMs) {
        Long last = lastSeenMs.get(metaserverId);
        if (last == null) {
            return OnlineState.OFFLINE;
        }
        long silence = nowMs - last;
        if (silence >= offlineAfterMs) {
            return OnlineState.OFFLINE;
        }
        return silence >= unstableAfterMs ? OnlineState.UNSTABLE : OnlineState.ONLINE;
    }
}
