package io.curvefs.metaserver.trash;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.common.s3.S3Settings;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaderRounds;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.TrashEntry;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.ReclaimInodeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The second phase of deleting files (DESIGN.md §4): every interval, on each copyset this metaserver
 * leads, the trash entries older than their file system's retention are reclaimed, oldest first and at
 * most {@link TrashSettings#perRound()} per round: first the objects that the inode's chunk infos name,
 * then, through raft, the inode, its chunk infos and its trash key. A failure leaves the entry for a
 * later round; a leader change between the two steps makes the next leader delete the (already missing)
 * objects again, which is harmless. Followers do nothing, so each entry is reclaimed by one node.
 */
public final class TrashReclaimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrashReclaimer.class);
    private static final long PROPOSE_TIMEOUT_MS = 30_000;

    private final IntFunction<FsInfo> fsInfos;
    private final TrashSettings settings;
    private final LongSupplier nowSec;
    private final FsObjectStores objects = new FsObjectStores(S3Settings.background());
    private final LeaderRounds rounds;

    /**
     * @param fsInfos answers a file system's settings (S3 and retention) by id; may throw when it cannot
     *                (then that fs's entries wait for a later round)
     */
    public TrashReclaimer(CopysetManager copysets, IntFunction<FsInfo> fsInfos, TrashSettings settings,
                          LongSupplier nowSec) {
        this.fsInfos = fsInfos;
        this.settings = settings;
        this.nowSec = nowSec;
        this.rounds = new LeaderRounds("trash-reclaimer", copysets, settings.scanIntervalMs(), settings.perRound(),
                (copyset, p, budget) -> reclaimExpired(copyset, copyset.reader(), p, budget));
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads (tests call it directly); answers how many inodes it reclaimed. */
    public int round() {
        return rounds.round();
    }

    /** Reclaims up to {@code budget} expired entries of one partition; stops at its first failure. */
    private int reclaimExpired(CopysetNode copyset, MetaReader reader, PartitionInfo p, int budget) {
        FsInfo fs;
        try {
            fs = fsInfos.apply(p.getFsId());
        } catch (RuntimeException e) {
            LOG.warn("trash of partition {} waits: settings of fs {} unavailable: {}", p.getPartitionId(),
                    p.getFsId(), e.getMessage());
            return 0;
        }
        long retention = fs.hasTrashRetentionSec() ? fs.getTrashRetentionSec() : settings.retentionSec();
        List<TrashEntry> expired = reader.trashUpTo(p.getPartitionId(), nowSec.getAsLong() - retention, budget);
        int done = 0;
        for (TrashEntry e : expired) {
            if (reader.isHeld(p.getPartitionId(), e.ino())) {
                continue;   // open on a mount: its retention starts again at the last release
            }
            try {
                reclaim(copyset, reader, p, fs, e);
                done++;
            } catch (IOException | RuntimeException | ExecutionException | TimeoutException ex) {
                LOG.warn("inode {} of partition {} stays in the trash for now: {}", e.ino(), p.getPartitionId(),
                        ex.getMessage());
                break;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return done;
    }

    private void reclaim(CopysetNode copyset, MetaReader reader, PartitionInfo p, FsInfo fs, TrashEntry e)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        FsObjectStores.FsObjects fsObjects = objects.of(fs);
        // read before the chunk infos: a later append (an open handle elsewhere) then shows as a mismatch
        long lastAppend = reader.lastChunkAppend(p.getPartitionId(), e.ino());
        Set<String> names = fsObjects.layout().objectNames(e.ino(),
                reader.chunks(p.getPartitionId(), e.ino(), List.of()).values());
        if (!names.isEmpty()) {
            fsObjects.store().delete(names, fsObjects.store().deadlineFromNow());
        }
        PartitionRef ref = PartitionRef.newBuilder().setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId())
                .setPartitionId(p.getPartitionId()).setFsId(p.getFsId()).build();
        Message response = copyset.propose(MetaOperation.newBuilder().setReclaimInode(ReclaimInodeRequest
                .newBuilder().setPartition(ref).setInodeId(e.ino()).setDtime(e.dtime()).setLastChunkAppend(lastAppend)).build())
                .get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Statuses.requireOk(response);
        LOG.debug("reclaimed inode {} of partition {}: {} objects", e.ino(), p.getPartitionId(), names.size());
    }

    @Override
    public void close() {
        rounds.close();
        objects.close();
    }
}
