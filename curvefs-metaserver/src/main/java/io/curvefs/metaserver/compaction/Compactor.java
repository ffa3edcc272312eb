package io.curvefs.metaserver.compaction;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.common.s3.S3Settings;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.CopysetStateMachine;
import io.curvefs.metaserver.copyset.LeaderRounds;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.PendingDelete;
import io.curvefs.metaserver.trash.FsObjectStores;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.CompactionRequest;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.PendingKey;
import io.curvefs.proto.metaserver.PurgePending;
import io.curvefs.proto.metaserver.ReplaceChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The leader-side job of compaction (see package-info.java): every interval, on each copyset this node
 * leads, first the pending deletions whose grace delay has passed (objects deleted, then the records
 * purged through raft), then up to a round's budget of fragmented chunks per partition (objects
 * rewritten, then the infos replaced through raft). Followers do nothing. Partitions of file systems
 * whose S3 settings cannot be had wait for a later round.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    private static final long PROPOSE_TIMEOUT_MS = 30_000;

    private final IntFunction<FsInfo> fsInfos;
    private final CompactionSettings settings;
    private final LongSupplier nowMs;
    private final Candidates candidates = new Candidates();
    private final FsObjectStores objects = new FsObjectStores(S3Settings.background());
    private final LeaderRounds rounds;

    /**
     * @param fsInfos answers a file system's settings by id; may throw when it cannot (then that fs waits)
     * @param nowMs   wall clock in ms (the grace delay is recorded as a wall-clock time in the log)
     */
    public Compactor(CopysetManager copysets, IntFunction<FsInfo> fsInfos, CompactionSettings settings,
                     LongSupplier nowMs) {
        this.fsInfos = fsInfos;
        this.settings = settings;
        this.nowMs = nowMs;
        this.rounds = new LeaderRounds("compactor", copysets, settings.intervalMs(), Integer.MAX_VALUE,
                (copyset, p, budget) -> partitionRound(copyset, p));
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads (tests call it directly); answers the chunks compacted. */
    public int round() {
        return rounds.round();
    }

    private int partitionRound(CopysetNode copyset, PartitionInfo p) {
        FsObjectStores.FsObjects fs;
        try {
            fs = objects.of(fsInfos.apply(p.getFsId()));
        } catch (RuntimeException e) {
            LOG.debug("compaction of partition {} waits: settings of fs {} unavailable: {}", p.getPartitionId(),
                    p.getFsId(), e.getMessage());
            return 0;
        }
        try {
            deleteDue(copyset, p, fs);
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            LOG.warn("pending deletions of partition {} wait: {}", p.getPartitionId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int done = 0;
        CopysetStateMachine fsm = copyset.stateMachine();
        Candidates.Epoch epoch = new Candidates.Epoch(fsm.term(), fsm.installedSnapshotIndex());
        Map<Long, List<Long>> found = candidates.find(copyset.reader(), p.getPartitionId(), fsm.changedChunks(),
                epoch, settings.fragmentThreshold(), settings.chunksPerRound());
        for (Map.Entry<Long, List<Long>> e : found.entrySet()) {
            try {
                done += compact(copyset, p, fs, e.getKey(), e.getValue());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return done;
    }

    /** Deletes the objects of the partition's due pending deletions, then purges their records. */
    private void deleteDue(CopysetNode copyset, PartitionInfo p, FsObjectStores.FsObjects fs)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        List<PendingDelete> due = copyset.reader().pendingDeletesUpTo(p.getPartitionId(), nowMs.getAsLong(),
                settings.chunksPerRound());
        if (due.isEmpty()) {
            return;
        }
        Set<String> names = new TreeSet<>();
        PurgePending.Builder purge = PurgePending.newBuilder();
        for (PendingDelete d : due) {
            names.addAll(fs.layout().objectNames(d.objects().getInodeId(), List.of(d.objects().getInfos())));
            purge.addKeys(PendingKey.newBuilder().setDeleteAfterMs(d.deleteAfterMs()).setRaftIndex(d.raftIndex()));
        }
        fs.store().delete(names, fs.store().deadlineFromNow());
        Statuses.requireOk(propose(copyset, CompactionRequest.newBuilder().setPartition(ref(p)).setPurge(purge)));
        LOG.debug("partition {}: deleted {} objects replaced by compaction", p.getPartitionId(), names.size());
    }

    /** Compacts the given chunks of one inode in one command; answers how many were compacted. */
    private int compact(CopysetNode copyset, PartitionInfo p, FsObjectStores.FsObjects fs, long ino,
                        List<Long> chunkIndexes) throws InterruptedException {
        MetaReader reader = copyset.reader();
        Optional<Inode> inode = reader.inode(p.getPartitionId(), ino);
        if (inode.isEmpty() || inode.get().getNlink() == 0) {
            return 0;
        }
        long length = inode.get().getLength();
        List<ChunkPlan> plans = new ArrayList<>();
        for (long index : chunkIndexes) {
            ChunkPlan.of(fs.layout(), index, reader.chunkAppends(p.getPartitionId(), ino, index), length,
                    settings.fragmentThreshold()).ifPresent(plans::add);
        }
        if (plans.isEmpty()) {
            return 0;
        }
        List<String> written = new ArrayList<>();
        ReplaceChunks.Builder replace = ReplaceChunks.newBuilder().setInodeId(ino).setLength(length);
        try {
            ChunkRewriter rewriter = new ChunkRewriter(fs.store(), fs.layout());
            for (ChunkPlan plan : plans) {
                rewriter.write(ino, plan, written);
                replace.addChunks(plan.toReplacement());
            }
            replace.setDeleteAfterMs(nowMs.getAsLong() + settings.deleteGraceMs());
            Message response = propose(copyset, CompactionRequest.newBuilder().setPartition(ref(p)).setReplace(replace));
            if (Statuses.statusOf(response).getCode() != StatusCode.OK) {
                LOG.info("compaction of inode {} refused: {}", ino, Statuses.statusOf(response).getMessage());
                deleteUnreferenced(copyset, p, fs, ino, written);
                return 0;
            }
            LOG.debug("inode {}: compacted {} chunks, {} objects written", ino, plans.size(), written.size());
            return plans.size();
        } catch (IOException | RuntimeException e) {
            LOG.warn("compaction of inode {} failed: {}", ino, e.getMessage());
            deleteUnreferenced(copyset, p, fs, ino, written);
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            // the command may still commit (a leader change): its objects stay, possibly unreferenced
            LOG.warn("compaction of inode {} has an unknown outcome, its {} new objects stay: {}", ino,
                    written.size(), e.getMessage());
            return 0;
        }
    }

    /**
     * Deletes the new objects of a compaction that did not commit, except those the inode's infos name
     * now: another leader's identical compaction of the same infos writes the same names.
     */
    private static void deleteUnreferenced(CopysetNode copyset, PartitionInfo p, FsObjectStores.FsObjects fs,
                                           long ino, List<String> written) {
        if (written.isEmpty()) {
            return;
        }
        Set<String> orphans = new TreeSet<>(written);
        orphans.removeAll(fs.layout().objectNames(ino, copyset.reader().chunks(p.getPartitionId(), ino, List.of()).values()));
        try {
            fs.store().delete(orphans, fs.store().deadlineFromNow());
        } catch (IOException e) {
            LOG.warn("{} objects of a refused compaction of inode {} stay: {}", orphans.size(), ino, e.getMessage());
        }
    }

    private static Message propose(CopysetNode copyset, CompactionRequest.Builder request)
            throws InterruptedException, ExecutionException, TimeoutException {
        return copyset.propose(MetaOperation.newBuilder().setCompaction(request).build())
                .get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private static PartitionRef ref(PartitionInfo p) {
        return PartitionRef.newBuilder().setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId())
                .setPartitionId(p.getPartitionId()).setFsId(p.getFsId()).build();
    }

    @Override
    public void close() {
        rounds.close();
        objects.close();
    }
}
