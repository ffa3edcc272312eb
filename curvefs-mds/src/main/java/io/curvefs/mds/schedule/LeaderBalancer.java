package io.curvefs.mds.schedule;

import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.partition.CopysetDirectory;
import io.curvefs.mds.partition.MetaserverClient;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.topology.OnlineState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Spreads copyset leaders over the online metaservers. Every write and lease read of a copyset is served
 * by its leader, and raft elects whichever replica times out first, so without this one metaserver often
 * leads every copyset of a file system. One transfer per round: the next round sees its effect in the
 * heartbeats before deciding again.
 */
public final class LeaderBalancer {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderBalancer.class);

    private final CopysetDirectory copysets;
    private final MetaserverLiveness liveness;
    private final MetaserverClient metaservers;

    public LeaderBalancer(CopysetDirectory copysets, MetaserverLiveness liveness, MetaserverClient metaservers) {
        this.copysets = copysets;
        this.liveness = liveness;
        this.metaservers = metaservers;
    }

    /** A transfer the balancer would make now, if any. */
    record Move(CopysetInfo copyset, String from, String to) {
    }

    public void runOnce() {
        planMove(copysets.infos().values(), System.currentTimeMillis()).ifPresent(m -> {
            LOG.info("moving the leader of copyset {}/{} from {} to {}", m.copyset().getPoolId(),
                    m.copyset().getCopysetId(), m.from(), m.to());
            metaservers.transferLeader(m.copyset(), m.to());
        });
    }

    Optional<Move> planMove(Iterable<CopysetInfo> all, long nowMs) {
        Map<String, Integer> leading = new HashMap<>();
        for (CopysetInfo c : all) {
            for (Peer p : c.getPeersList()) {
                if (isOnline(p, nowMs)) {
                    leading.putIfAbsent(p.getAddress(), 0);
                }
            }
            if (!c.getLeader().isEmpty()) {
                leading.merge(c.getLeader(), 1, Integer::sum);
            }
        }
        Move best = null;
        int bestGap = 1;
        for (CopysetInfo c : all) {
            String leader = c.getLeader();
            if (leader.isEmpty() || !leading.containsKey(leader)) {
                continue;
            }
            Optional<Peer> target = c.getPeersList().stream()
                    .filter(p -> !p.getAddress().equals(leader) && isOnline(p, nowMs))
                    .min(Comparator.comparingInt(p -> leading.getOrDefault(p.getAddress(), 0)));
            if (target.isEmpty()) {
                continue;
            }
            int gap = leading.get(leader) - leading.getOrDefault(target.get().getAddress(), 0);
            // a gap of one cannot be improved: moving would only swap which server has the extra leader
            if (gap > bestGap) {
                bestGap = gap;
                best = new Move(c, leader, target.get().getAddress());
            }
        }
        return Optional.ofNullable(best);
    }

    private boolean isOnline(Peer p, long nowMs) {
        return !p.getAddress().isEmpty() && liveness.state(p.getMetaserverId(), nowMs) == OnlineState.ONLINE;
    }
}
