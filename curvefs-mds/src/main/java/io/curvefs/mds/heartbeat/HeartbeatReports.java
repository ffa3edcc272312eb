package io.curvefs.mds.heartbeat;

import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.heartbeat.CopysetReport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What metaservers reported about copysets and partitions (soft state of the leader, refilled by the
 * next heartbeats after a failover): each copyset's leader and each partition's counters.
 */
public final class HeartbeatReports {
    private record Leader(String address, long term) {
    }

    /** A metaserver's disk usage as it last reported it. */
    public record Disk(long used, long capacity) {
    }

    private final Map<Long, Leader> copysetLeaders = new ConcurrentHashMap<>();
    private final Map<Integer, PartitionInfo> partitions = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> leaderCounts = new ConcurrentHashMap<>();
    private final Map<Integer, Disk> disks = new ConcurrentHashMap<>();

    private static long copysetKey(int poolId, int copysetId) {
        return ((long) poolId << 32) | (copysetId & 0xffffffffL);
    }

    public void clear() {
        copysetLeaders.clear();
        partitions.clear();
        leaderCounts.clear();
        disks.clear();
    }

    public void recordDisk(int metaserverId, long used, long capacity) {
        disks.put(metaserverId, new Disk(used, capacity));
    }

    public Disk disk(int metaserverId) {
        return disks.getOrDefault(metaserverId, new Disk(0, 0));
    }

    /** Records one metaserver's reports; a leader seen in a newer term replaces the older one. */
    public void record(int metaserverId, Iterable<CopysetReport> reports) {
        int leading = 0;
        for (CopysetReport r : reports) {
            if (r.getIsLeader()) {
                leading++;
                for (PartitionInfo p : r.getPartitionsList()) {
                    partitions.put(p.getPartitionId(), p);
                }
            }
            if (!r.getLeader().isEmpty()) {
                copysetLeaders.merge(copysetKey(r.getPoolId(), r.getCopysetId()), new Leader(r.getLeader(), r.getTerm()),
                        (old, now) -> now.term() >= old.term() ? now : old);
            }
        }
        leaderCounts.put(metaserverId, leading);
    }

    public String copysetLeader(int poolId, int copysetId) {
        Leader l = copysetLeaders.get(copysetKey(poolId, copysetId));
        return l == null ? "" : l.address();
    }

    /** The last counters reported for a partition, or null. */
    public PartitionInfo partition(int partitionId) {
        return partitions.get(partitionId);
    }

    public void forgetPartition(int partitionId) {
        partitions.remove(partitionId);
    }

    public int leaderCount(int metaserverId) {
        return leaderCounts.getOrDefault(metaserverId, 0);
    }
}
