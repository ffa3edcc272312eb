package io.curvefs.metaserver.lock;

import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaderRounds;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.FileLocks;
import io.curvefs.proto.metaserver.LockChange;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.SetLockRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A mount whose process dies with locks held never unlocks them (its kernel closes the files, but
 * nobody is left to tell us), and every other mount would wait forever. Every interval, on each copyset
 * this metaserver leads, the locks whose holder is no longer a mount session of their fs at the MDS go,
 * as the dead mount's unlocks would have: a lease (mds.session.leaseMs) plus an interval after its last
 * refresh. The locks are read before the mounts are asked for, so no lock is judged by a mount list
 * older than itself.
 */
public final class AbandonedLocks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedLocks.class);
    private static final long PROPOSE_TIMEOUT_MS = 30_000;

    private final IntFunction<Set<String>> mountSessions;
    private final LeaderRounds rounds;

    /** @param mountSessions the session ids of the fs's mounts from the MDS, asked anew on every call */
    public AbandonedLocks(CopysetManager copysets, IntFunction<Set<String>> mountSessions, long intervalMs,
                          int perRound) {
        this.mountSessions = mountSessions;
        this.rounds = new LeaderRounds("abandoned-locks", copysets, intervalMs, perRound, this::releaseAbandoned);
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads; answers how many holders lost their locks on an inode. */
    public int round() {
        return rounds.round();
    }

    private int releaseAbandoned(CopysetNode copyset, PartitionInfo p, int budget) {
        Map<Long, FileLocks> locked = copyset.reader().lockedInodes(p.getPartitionId(), budget);
        if (locked.isEmpty()) {
            return 0;
        }
        Set<String> sessions;
        try {
            sessions = mountSessions.apply(p.getFsId());
        } catch (RuntimeException e) {
            LOG.warn("locks of partition {} stay: the mounts of fs {} are unknown: {}", p.getPartitionId(),
                    p.getFsId(), e.getMessage());
            return 0;
        }
        int released = 0;
        for (Map.Entry<Long, FileLocks> e : locked.entrySet()) {
            Set<String> gone = new TreeSet<>();
            for (FileLock l : e.getValue().getLocksList()) {
                if (!sessions.contains(l.getHolder())) {
                    gone.add(l.getHolder());
                }
            }
            for (String holder : gone) {
                try {
                    release(copyset, p, e.getKey(), holder);
                    released++;
                    LOG.info("inode {} of partition {}: the locks of {} go, it has no mount session left",
                            e.getKey(), p.getPartitionId(), holder);
                } catch (RuntimeException | ExecutionException | TimeoutException ex) {
                    LOG.warn("locks on inode {} of partition {} stay for now: {}", e.getKey(), p.getPartitionId(),
                            ex.getMessage());
                    return released;
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return released;
                }
            }
        }
        return released;
    }

    private void release(CopysetNode copyset, PartitionInfo p, long ino, String holder)
            throws InterruptedException, ExecutionException, TimeoutException {
        PartitionRef ref = PartitionRef.newBuilder().setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId())
                .setPartitionId(p.getPartitionId()).setFsId(p.getFsId()).build();
        MetaOperation op = MetaOperation.newBuilder().setSetLock(SetLockRequest.newBuilder().setPartition(ref)
                .setInodeId(ino).setChange(LockChange.RELEASE_HOLDER)
                .setLock(FileLock.newBuilder().setHolder(holder))).build();
        Statuses.requireOk(copyset.propose(op).get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        rounds.close();
    }
}
