package io.curvefs.mds.partition;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.KeyedLocks;
import io.curvefs.mds.heartbeat.HeartbeatReports;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.ListPartitionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places and creates partitions (fs-aware, DESIGN.md §3): a new fs's partitions spread over several
 * copysets, later ones go to the copyset holding the fewest of that fs's partitions, then the fewest
 * overall; {@link CopysetProvisioner} creates copysets when too few have room.
 */
public final class PartitionManager {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);

    private final MdsStore store;
    private final CopysetDirectory directory;
    private final MetaserverClient metaservers;
    private final CopysetProvisioner provisioner;
    private final HeartbeatReports reports;
    private final PartitionSettings settings;
    private final KeyedLocks<Integer> fsLocks = new KeyedLocks<>();

    public PartitionManager(MdsStore store, CopysetDirectory directory, MetaserverClient metaservers,
                            MetaserverLiveness liveness, HeartbeatReports reports, PartitionSettings settings) {
        this.store = store;
        this.directory = directory;
        this.metaservers = metaservers;
        this.provisioner = new CopysetProvisioner(store, directory, metaservers, liveness,
                settings.maxPartitionsPerCopyset());
        this.reports = reports;
        this.settings = settings;
    }

    public List<PartitionInfo> partitionsOf(int fsId) {
        return store.scan(MdsKeys.PARTITIONS, PartitionInfo.parser()).stream()
                .filter(p -> p.getFsId() == fsId).toList();
    }

    /**
     * Brings a fs being created to {@code count} partitions that exist on their copysets. Safe to repeat:
     * partitions persisted by an interrupted attempt are sent again (creation is idempotent on the metaserver).
     */
    public List<PartitionInfo> ensureAtCreateFs(FsInfo fs, int count) {
        return fsLocks.withLock(fs.getFsId(), () -> {
            List<PartitionInfo> existing = partitionsOf(fs.getFsId());
            Map<Long, CopysetInfo> copysets = copysetInfos();
            for (PartitionInfo p : existing) {
                metaservers.createPartition(copysetOf(p, copysets), p);
            }
            List<PartitionInfo> all = new ArrayList<>(existing);
            int missing = count - existing.size();
            if (missing > 0) {
                all.addAll(create(fs.getFsId(), missing, Math.min(settings.minCopysetsPerFs(), count)));
            }
            return all;
        });
    }

    /** Creates {@code count} more partitions for a fs whose partitions are filling up. */
    public List<PartitionInfo> createMore(FsInfo fs, int count) {
        return fsLocks.withLock(fs.getFsId(), () -> create(fs.getFsId(), count, 1));
    }

    public CopysetInfo copysetOf(PartitionInfo p, Map<Long, CopysetInfo> copysets) {
        CopysetInfo c = copysets.get(CopysetDirectory.key(p.getPoolId(), p.getCopysetId()));
        if (c == null) {
            throw new RpcException(StatusCode.COPYSET_NOT_FOUND, "partition " + p.getPartitionId() + ": copyset "
                    + p.getPoolId() + "/" + p.getCopysetId() + " is unknown");
        }
        return c;
    }

    /** Every copyset's routing description, by {@link CopysetDirectory#key}. */
    public Map<Long, CopysetInfo> copysetInfos() {
        return directory.infos();
    }

    private List<PartitionInfo> create(int fsId, int count, int minCopysets) {
        List<CopysetInfo> targets = provisioner.withRoom(minCopysets);
        List<PartitionInfo> all = store.scan(MdsKeys.PARTITIONS, PartitionInfo.parser());
        Map<Long, Integer> total = directory.partitionCounts(all);
        Map<Long, Integer> ofFs = directory.partitionCounts(all.stream().filter(p -> p.getFsId() == fsId).toList());
        Comparator<CopysetInfo> order = Comparator
                .<CopysetInfo>comparingInt(c -> ofFs.getOrDefault(key(c), 0))
                .thenComparingInt(c -> total.getOrDefault(key(c), 0))
                .thenComparingInt(CopysetInfo::getPoolId).thenComparingInt(CopysetInfo::getCopysetId);
        List<PartitionInfo> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (targets.stream().noneMatch(c -> hasRoom(c, total))) {
                targets = provisioner.withRoom(1);
            }
            CopysetInfo target = targets.stream().filter(c -> hasRoom(c, total)).min(order).orElseThrow();
            PartitionInfo p = persistNew(fsId, target);
            try {
                metaservers.createPartition(target, p);
            } catch (RpcException e) {
                forget(p);
                throw e;
            }
            LOG.info("fs {}: created partition {} [{}, {}] on copyset {}", fsId, p.getPartitionId(), p.getStart(),
                    p.getEnd(), MetaserverClient.name(target));
            created.add(p);
            ofFs.merge(key(target), 1, Integer::sum);
            total.merge(key(target), 1, Integer::sum);
        }
        return created;
    }

    /** Allocates the partition's id and the fs's next inode range, and persists it before it is created. */
    private PartitionInfo persistNew(int fsId, CopysetInfo target) {
        return store.mutate(txn -> {
            String rangeKey = MdsKeys.fsNextInode(fsId);
            long start = txn.getLong(rangeKey, 0);
            long end = start + settings.idsPerPartition() - 1;
            PartitionInfo p = PartitionInfo.newBuilder().setFsId(fsId).setPoolId(target.getPoolId())
                    .setCopysetId(target.getCopysetId()).setPartitionId(txn.nextId("partition"))
                    .setStart(start).setEnd(end).setStatus(PartitionStatus.READWRITE)
                    // ids 1 and 2 are the root and the recycle dir
                    .setNextId(Math.max(3, start)).setHoldsRoot(start == 0).build();
            txn.putLong(rangeKey, end + 1);
            txn.put(MdsKeys.partition(p.getPartitionId()), p);
            return p;
        });
    }

    /** Drops the record of a partition whose creation failed; its range stays consumed. */
    private void forget(PartitionInfo p) {
        try {
            store.mutate(txn -> {
                txn.delete(MdsKeys.partition(p.getPartitionId()));
                return null;
            });
        } catch (RpcException e) {
            LOG.warn("could not drop the record of failed partition {}: {}", p.getPartitionId(), e.getMessage());
        }
    }

    private boolean hasRoom(CopysetInfo c, Map<Long, Integer> partitionCounts) {
        return partitionCounts.getOrDefault(key(c), 0) < settings.maxPartitionsPerCopyset();
    }

    private static long key(CopysetInfo c) {
        return CopysetDirectory.key(c.getPoolId(), c.getCopysetId());
    }

    /** Creates the root inode (and the recycle directory of a fs with a recycle bin) in the partition of range 0. */
    public void createRootInode(FsInfo fs, List<PartitionInfo> partitions) {
        PartitionInfo first = partitions.stream().filter(p -> p.getStart() == 0).findFirst()
                .orElseThrow(() -> new RpcException(StatusCode.INTERNAL_ERROR,
                        "fs " + fs.getFsName() + " has no partition for inode range 0"));
        metaservers.createRootInode(copysetOf(first, copysetInfos()), first, fs.getRecycleHours() > 0);
    }

    /** Deletes a partition of a deleted fs from its copyset, then its record. */
    public void delete(PartitionInfo p, Map<Long, CopysetInfo> copysets) {
        CopysetInfo c = copysets.get(CopysetDirectory.key(p.getPoolId(), p.getCopysetId()));
        // a partition on an unknown copyset cannot exist anywhere: only its record is left
        if (c != null) {
            metaservers.deletePartition(c, p);
        }
        store.mutate(txn -> {
            txn.delete(MdsKeys.partition(p.getPartitionId()));
            return null;
        });
        reports.forgetPartition(p.getPartitionId());
    }

    /** The fs's partitions with their last reported counters, and the copysets that host them. */
    public ListPartitionResponse list(int fsId) {
        Map<Long, CopysetInfo> copysets = copysetInfos();
        ListPartitionResponse.Builder out = ListPartitionResponse.newBuilder().setStatus(Statuses.OK);
        Set<Long> hosting = new HashSet<>();
        for (PartitionInfo p : partitionsOf(fsId)) {
            out.addPartitions(withReportedCounters(p));
            hosting.add(CopysetDirectory.key(p.getPoolId(), p.getCopysetId()));
        }
        copysets.forEach((k, c) -> {
            if (hosting.contains(k)) {
                out.addCopysets(c);
            }
        });
        return out.build();
    }

    /** Sum of the bytes reported for the fs's partitions. */
    public long usedBytes(int fsId) {
        return partitionsOf(fsId).stream().mapToLong(p -> withReportedCounters(p).getBytes()).sum();
    }

    public long inodeCount(int fsId) {
        return partitionsOf(fsId).stream().mapToLong(p -> withReportedCounters(p).getInodeCount()).sum();
    }

    private PartitionInfo withReportedCounters(PartitionInfo p) {
        PartitionInfo r = reports.partition(p.getPartitionId());
        if (r == null) {
            return p;
        }
        return p.toBuilder().setInodeCount(r.getInodeCount()).setDentryCount(r.getDentryCount())
                .setNextId(Math.max(p.getNextId(), r.getNextId())).setBytes(r.getBytes()).build();
    }
}
