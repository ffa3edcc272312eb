package io.curvefs.metaserver.trash;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaderRounds;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.curvefs.metaserver.storage.MetaReader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A file that loses its last name while mounts have it open is held in the trash, unreclaimed, until
 * each of them releases it (its DeleteInode with holder after the last close). When a mount's process
 * dies first, nobody would ever release its hold: every interval, on each copyset this metaserver leads,
 * the holds whose holder is no longer a mount session of their fs at the MDS are released like the
 * mount would, so the file is reclaimed a retention later instead of leaking. The holders are read before the mounts are asked
 * for, so a hold is never judged by a mount list older than itself.
 */
public final class KeptOrphans implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptOrphans.class);
    private static final long PROPOSE_TIMEOUT_MS = 30_000;

    private final IntFunction<Set<String>> mountSessions;
    private final LongSupplier nowSec;
    private final LeaderRounds rounds;

    /** @param mountSessions the session ids of the fs's mounts from the MDS, asked anew on every call */
    public KeptOrphans(CopysetManager copysets, IntFunction<Set<String>> mountSessions, TrashSettings settings,
                       LongSupplier nowSec) {
        this.mountSessions = mountSessions;
        this.nowSec = nowSec;
        this.rounds = new LeaderRounds("kept-orphans", copysets, settings.scanIntervalMs(), settings.perRound(),
                this::releaseAbandoned);
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads; answers how many kept inodes it put in the trash. */
    public int round() {
        return rounds.round();
    }

    private int releaseAbandoned(CopysetNode copyset, PartitionInfo p, int budget) {
        List<MetaReader.Hold> kept = copyset.reader().kept(p.getPartitionId(), budget);
        if (kept.isEmpty()) {
            return 0;
        }
        Set<String> sessions;
        try {
            sessions = mountSessions.apply(p.getFsId());
        } catch (RuntimeException e) {
            LOG.warn("kept inodes of partition {} wait: the mounts of fs {} are unknown: {}", p.getPartitionId(),
                    p.getFsId(), e.getMessage());
            return 0;
        }
        int released = 0;
        for (MetaReader.Hold hold : kept) {
            if (sessions.contains(hold.holder())) {
                continue;
            }
            try {
                release(copyset, p, hold);
                released++;
                LOG.info("inode {} of partition {}: its holder {} has no mount session left; its hold ends",
                        hold.ino(), p.getPartitionId(), hold.holder());
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                LOG.warn("inode {} of partition {} stays kept for now: {}", hold.ino(), p.getPartitionId(),
                        e.getMessage());
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return released;
    }

    /** The release the holder would have sent: DeleteInode with it as the holder. */
    private void release(CopysetNode copyset, PartitionInfo p, MetaReader.Hold hold)
            throws InterruptedException, ExecutionException, TimeoutException {
        PartitionRef ref = PartitionRef.newBuilder().setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId())
                .setPartitionId(p.getPartitionId()).setFsId(p.getFsId()).build();
        MetaOperation op = MetaOperation.newBuilder().setDeleteInode(DeleteInodeRequest.newBuilder()
                .setPartition(ref).setInodeId(hold.ino()).setHolder(hold.holder())
                .setTime(Time.newBuilder().setSec(nowSec.getAsLong()))).build();
        try {
            Statuses.requireOk(copyset.propose(op).get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (RpcException e) {
            if (e.code() != StatusCode.INODE_NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        rounds.close();
    }
}
