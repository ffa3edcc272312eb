package io.curvefs.mds.fs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.s3.FsObjectPurger;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.FsStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's background deletion of DELETING file systems: deletes each partition from its copyset
 * (one raft entry, so from every replica), then its record; when no partition is left, every object of
 * the fs in its bucket, then the fs record. Interrupted work resumes on the next run or the next leader,
 * since everything it needs is persisted.
 */
public final class FsDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(FsDeleter.class);

    private final MdsStore store;
    private final PartitionManager partitions;
    private final FsObjectPurger objects;

    public FsDeleter(MdsStore store, PartitionManager partitions, FsObjectPurger objects) {
        this.store = store;
        this.partitions = partitions;
        this.objects = objects;
    }

    public void runOnce() {
        for (FsInfo fs : store.scan(MdsKeys.FS_BY_ID, FsInfo.parser())) {
            if (fs.getStatus() == FsStatus.DELETING) {
                deleteStep(fs);
            }
        }
    }

    private void deleteStep(FsInfo fs) {
        List<PartitionInfo> left = partitions.partitionsOf(fs.getFsId());
        Map<Long, CopysetInfo> copysets = partitions.copysetInfos();
        // a copyset that failed once in this run is not asked again until the next run
        Set<String> failedCopysets = new HashSet<>();
        int pending = 0;
        String firstError = null;
        for (PartitionInfo p : left) {
            String copyset = p.getPoolId() + "/" + p.getCopysetId();
            if (failedCopysets.contains(copyset)) {
                pending++;
                continue;
            }
            try {
                partitions.delete(p, copysets);
            } catch (RpcException e) {
                pending++;
                failedCopysets.add(copyset);
                firstError = firstError == null ? e.getMessage() : firstError;
            }
        }
        if (pending > 0) {
            LOG.warn("fs {}: {} partition(s) not deleted yet, retrying later ({})", fs.getFsName(), pending, firstError);
            return;
        }
        // after the partitions: no reclaimer or client adds objects to a fs without partitions
        int purged;
        try {
            purged = objects.purge(fs);
        } catch (IOException | RuntimeException e) {
            LOG.warn("fs {}: its objects are not deleted yet, retrying later ({})", fs.getFsName(), e.getMessage());
            return;
        }
        store.mutate(txn -> {
            txn.delete(MdsKeys.fsById(fs.getFsId()));
            txn.delete(MdsKeys.fsNextInode(fs.getFsId()));
            return null;
        });
        LOG.info("fs {} (id {}) deleted with its {} partitions and {} objects", fs.getFsName(), fs.getFsId(),
                left.size(), purged);
    }
}
