package io.curvefs.common.meta;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.ListPartitionResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One immutable snapshot of an fs's routes: partitions by the first inode id they own, and one channel
 * per copyset. Readers use a snapshot without locking; a refresh builds a new one.
 */
final class RouteTable {
    static final RouteTable EMPTY = new RouteTable(0, new TreeMap<>(), Map.of());

    private final long version;
    private final NavigableMap<Long, Route> byStart;
    private final Map<Long, CopysetChannel> channels;

    /** A channel with the peer set it was opened for, so a refresh can tell whether it is still right. */
    private record CopysetChannel(Set<String> peers, LeaderChannel channel) {
    }

    private RouteTable(long version, NavigableMap<Long, Route> byStart, Map<Long, CopysetChannel> channels) {
        this.version = version;
        this.byStart = Collections.unmodifiableNavigableMap(byStart);
        this.channels = Map.copyOf(channels);
    }

    /**
     * Builds the next snapshot from the MDS's answer. Channels of copysets whose peers did not change are
     * kept (they know the leader already), except the one named by {@code reopenCopyset} (a channel that
     * got stuck on a replica that does not host the copyset); pass -1 to keep all.
     */
    static RouteTable build(ListPartitionResponse answer, RouteTable previous, ChannelFactory factory,
                            long reopenCopyset) {
        Map<Long, CopysetInfo> copysets = new HashMap<>();
        for (CopysetInfo cs : answer.getCopysetsList()) {
            copysets.put(copysetKey(cs.getPoolId(), cs.getCopysetId()), cs);
        }
        long version = previous.version + 1;
        Map<Long, CopysetChannel> channels = new HashMap<>();
        NavigableMap<Long, Route> byStart = new TreeMap<>();
        for (PartitionInfo p : answer.getPartitionsList()) {
            long key = copysetKey(p.getPoolId(), p.getCopysetId());
            CopysetInfo cs = copysets.get(key);
            if (cs == null || cs.getPeersCount() == 0) {
                throw new RpcException(StatusCode.INTERNAL_ERROR, "MDS listed partition " + p.getPartitionId()
                        + " without its copyset " + p.getPoolId() + "/" + p.getCopysetId());
            }
            CopysetChannel channel = channels.computeIfAbsent(key, k -> {
                CopysetChannel old = previous.channels.get(k);
                Set<String> peers = peerSet(cs);
                if (old != null && old.peers.equals(peers) && k != reopenCopyset) {
                    return old;
                }
                return new CopysetChannel(peers, factory.open(leaderFirst(cs)));
            });
            byStart.put(p.getStart(), new Route(p, channel.channel, version));
        }
        return new RouteTable(version, byStart, channels);
    }

    static long copysetKey(int poolId, int copysetId) {
        return (Integer.toUnsignedLong(poolId) << 32) | Integer.toUnsignedLong(copysetId);
    }

    private static Set<String> peerSet(CopysetInfo cs) {
        Set<String> peers = new TreeSet<>();
        for (Peer peer : cs.getPeersList()) {
            peers.add(peer.getAddress());
        }
        return peers;
    }

    /** The MDS's last known leader goes first: a channel without a leader tries its peers in order. */
    private static List<String> leaderFirst(CopysetInfo cs) {
        List<String> peers = new ArrayList<>();
        for (Peer peer : cs.getPeersList()) {
            if (peer.getAddress().equals(cs.getLeader())) {
                peers.add(0, peer.getAddress());
            } else {
                peers.add(peer.getAddress());
            }
        }
        return peers;
    }

    long version() {
        return version;
    }

    /** The route of the partition whose range holds {@code inodeId}, or null when none does. */
    Route find(long inodeId) {
        Entry<Long, Route> floor = byStart.floorEntry(inodeId);
        if (floor == null || !floor.getValue().owns(inodeId)) {
            return null;
        }
        return floor.getValue();
    }

    Route findPartition(int partitionId) {
        for (Route route : byStart.values()) {
            if (route.partitionId() == partitionId) {
                return route;
            }
        }
        return null;
    }

    Collection<Route> routes() {
        return byStart.values();
    }
}
