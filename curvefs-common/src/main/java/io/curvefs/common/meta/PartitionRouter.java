package io.curvefs.common.meta;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The route table of one file system: which partition owns an inode id, which copyset hosts it and the
 * channel to that copyset. Loaded from the MDS on first use and again whenever a caller finds a route
 * stale. Safe for many threads: lookups read an immutable snapshot; refreshes are serialised and a
 * refresh asked for a version that has already been replaced is skipped, so a burst of callers that hit
 * the same stale route costs one MDS call.
 */
public final class PartitionRouter {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRouter.class);

    private final int fsId;
    private final PartitionSource source;
    private final ChannelFactory channels;
    /**
     * Partitions this client saw refuse a new inode. The MDS learns it from heartbeats, later; and a
     * partition never becomes writable again, so the marks outlive every refresh.
     */
    private final Set<Integer> readOnly = ConcurrentHashMap.newKeySet();
    private final Object refreshLock = new Object();
    private volatile RouteTable table = RouteTable.EMPTY;

    public PartitionRouter(int fsId, PartitionSource source, ChannelFactory channels) {
        this.fsId = fsId;
        this.source = source;
        this.channels = channels;
    }

    /** The version of the current snapshot; 0 before the first load. */
    public long version() {
        return table.version();
    }

    /** Routes by inode id; refreshes once when no known partition owns the id. */
    public Route route(long inodeId) {
        RouteTable current = loaded();
        Route route = current.find(inodeId);
        if (route == null) {
            route = refresh(current.version(), -1).find(inodeId);
        }
        if (route == null) {
            throw new RpcException(StatusCode.PARTITION_NOT_FOUND,
                    "no partition of fs " + fsId + " owns inode " + inodeId);
        }
        return route;
    }

    /** Routes to a partition by its id (e.g. the one chosen for a new inode). */
    public Route partition(int partitionId) {
        RouteTable current = loaded();
        Route route = current.findPartition(partitionId);
        if (route == null) {
            route = refresh(current.version(), -1).findPartition(partitionId);
        }
        if (route == null) {
            throw new RpcException(StatusCode.PARTITION_NOT_FOUND,
                    "fs " + fsId + " has no partition " + partitionId);
        }
        return route;
    }

    public List<Route> routes() {
        return List.copyOf(loaded().routes());
    }

    /**
     * Reloads from the MDS because {@code stale} was refused by its metaserver. With
     * {@code reopenChannel} the copyset's channel is replaced even if its peers did not change, so that
     * it forgets a leader guess that pointed at a replica without the copyset.
     */
    public void refresh(Route stale, boolean reopenChannel) {
        long copyset = reopenChannel
                ? RouteTable.copysetKey(stale.partition().getPoolId(), stale.partition().getCopysetId())
                : -1;
        refresh(stale.version(), copyset);
    }

    /** Reloads unless the snapshot {@code seenVersion} has already been replaced. */
    public void refresh(long seenVersion) {
        refresh(seenVersion, -1);
    }

    public void markReadOnly(int partitionId) {
        if (readOnly.add(partitionId)) {
            LOG.info("fs {}: partition {} is read-only (its inode ids are used up)", fsId, partitionId);
        }
    }

    /** Whether new inodes may still go to the partition, as far as this client knows. */
    public boolean isWritable(Route route) {
        return route.partition().getStatus() == PartitionStatus.READWRITE && !readOnly.contains(route.partitionId());
    }

    /** A random writable partition, spreading new inodes; empty when every partition is full. */
    public Optional<Route> pickWritable() {
        List<Route> writable = new ArrayList<>();
        for (Route route : loaded().routes()) {
            if (isWritable(route)) {
                writable.add(route);
            }
        }
        if (writable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(writable.get(ThreadLocalRandom.current().nextInt(writable.size())));
    }

    private RouteTable loaded() {
        RouteTable current = table;
        return current.version() == 0 ? refresh(0, -1) : current;
    }

    // The MDS call happens under the lock on purpose: every thread waiting here wants the same answer,
    // and readers never take this lock.
    private RouteTable refresh(long seenVersion, long reopenCopyset) {
        synchronized (refreshLock) {
            RouteTable current = table;
            if (current.version() != seenVersion) {
                return current;
            }
            RouteTable next = RouteTable.build(source.listPartitions(fsId), current, channels, reopenCopyset);
            table = next;
            LOG.debug("fs {}: route table v{} with {} partitions", fsId, next.version(), next.routes().size());
            return next;
        }
    }
}
