package io.curvefs.common.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.Message;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A raft state machine whose state is one RocksDB. A run of committed entries is applied as one write
 * batch that also records the last index, so replay after a crash skips exactly what is on disk.
 * Snapshots are RocksDB checkpoints. A new leader serves only after an entry of its own term has been
 * applied (the barrier), so it never answers from state older than what earlier leaders acknowledged.
 */
public abstract class RocksStateMachine extends StateMachineAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RocksStateMachine.class);

    protected final RocksStore store;
    private volatile Node node;
    private volatile long leaderTerm = -1;
    private volatile long term;
    private volatile long servingTerm = -2;
    private long barrierTerm = -3;
    private volatile long installedSnapshotIndex;

    protected RocksStateMachine(RocksStore store) {
        this.store = store;
    }

    /**
     * Called once the group's node exists. A single-replica group may already have become leader inside
     * the node's start, before this: its barrier is proposed now.
     */
    public void attach(Node node) {
        this.node = node;
        proposeBarrier();
    }

    public Node node() {
        return node;
    }

    /** The latest term this replica has seen as leader or follower (0 before any). */
    public long term() {
        return term;
    }

    public RocksStore store() {
        return store;
    }

    /**
     * Applies one entry into {@code batch} and returns the response for its proposer. Business refusals
     * are responses with a non-OK status; an exception halts the group (the replica must not diverge).
     */
    protected abstract Message apply(Batch batch, long index, ByteBuffer data);

    /** The serialized no-op a new leader proposes before it serves. */
    protected abstract byte[] barrierEntry();

    /** Called after a batch of applied entries is in the store, before their proposers hear of it. */
    protected void onBatchCommitted() {
    }

    /** Called after the store was replaced by a snapshot, to rebuild in-memory views. */
    protected void onStoreReloaded() {
    }

    protected void onServingStart(long term) {
    }

    protected void onServingStop() {
    }

    /** The index of the last snapshot that replaced this replica's data (0 if none since start). */
    public long installedSnapshotIndex() {
        return installedSnapshotIndex;
    }

    /** Leader of the current term and caught up with everything committed before it. */
    public boolean isServing() {
        Node n = node;
        return n != null && servingTerm == leaderTerm && n.isLeader();
    }

    public String leaderAddress() {
        Node n = node;
        PeerId leader = n == null ? null : n.getLeaderId();
        return leader == null || leader.isEmpty() ? "" : leader.getEndpoint().toString();
    }

    /** Replicates {@code entry}; the future completes with what {@link #apply} returned for it. */
    public CompletableFuture<Message> propose(byte[] entry) {
        Node n = node;
        if (n == null || !n.isLeader()) {
            return CompletableFuture.failedFuture(new RpcException(Statuses.notLeader(leaderAddress())));
        }
        ApplyClosure closure = new ApplyClosure();
        Task task = new Task(ByteBuffer.wrap(entry), closure);
        task.setExpectedTerm(leaderTerm);
        n.apply(task);
        return closure.future();
    }

    /** Fails with NOT_LEADER (with the leader's address) unless this replica may serve. */
    public void requireServing() {
        if (!isServing()) {
            throw new RpcException(Statuses.notLeader(leaderAddress()));
        }
    }

    @Override
    public void onApply(Iterator it) {
        List<Runnable> completions = new ArrayList<>();
        Batch batch = store.newBatch();
        long last = -1;
        boolean batchOpen = true;
        try {
            while (it.hasNext()) {
                long index = it.getIndex();
                Closure done = it.done();
                if (index <= store.appliedIndex()) {
                    // already in the database: a replay after restart (never has a closure)
                    if (done != null) {
                        done.run(new Status(RaftError.EINTERNAL, "entry applied twice"));
                    }
                } else {
                    Message result = apply(batch, index, it.getData());
                    last = index;
                    if (done instanceof ApplyClosure c) {
                        c.setResult(result);
                        completions.add(() -> c.run(Status.OK()));
                    } else if (done != null) {
                        completions.add(() -> done.run(Status.OK()));
                    }
                }
                it.next();
            }
            if (last > 0) {
                store.commit(batch, last);
                onBatchCommitted();
            } else {
                batch.close();
            }
            batchOpen = false;
            completions.forEach(Runnable::run);
        } catch (RuntimeException e) {
            LOG.error("apply failed at index {}; halting this replica", it.getIndex(), e);
            if (batchOpen) {
                batch.close();
            }
            it.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "apply failed: " + e.getMessage()));
        }
    }

    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        try {
            Path tmp = Path.of(writer.getPath(), "checkpoint.tmp");
            List<String> names = store.checkpointTo(tmp);
            for (String name : names) {
                Files.move(tmp.resolve(name), Path.of(writer.getPath(), name));
                if (!writer.addFile(name)) {
                    throw new IOException("snapshot writer refused " + name);
                }
            }
            Files.delete(tmp);
            done.run(Status.OK());
        } catch (IOException | RuntimeException e) {
            LOG.error("snapshot save failed", e);
            done.run(new Status(RaftError.EIO, "snapshot save failed: " + e.getMessage()));
        }
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        long snapshotIndex = reader.load().getLastIncludedIndex();
        if (store.appliedIndex() >= snapshotIndex) {
            LOG.info("{}: data at index {} is not older than snapshot {}; keeping it",
                    store.dir(), store.appliedIndex(), snapshotIndex);
            return true;
        }
        try {
            List<String> names = new ArrayList<>(reader.listFiles());
            store.replaceWith(Path.of(reader.getPath()), names);
            installedSnapshotIndex = snapshotIndex;
            LOG.info("{}: loaded snapshot at index {}", store.dir(), snapshotIndex);
            onStoreReloaded();
            return true;
        } catch (RuntimeException e) {
            LOG.error("snapshot load failed", e);
            return false;
        }
    }

    @Override
    public void onLeaderStart(long term) {
        this.term = term;
        leaderTerm = term;
        proposeBarrier();
    }

    /** Proposes the barrier of the current leader term, once per term, as soon as the node is attached. */
    private synchronized void proposeBarrier() {
        long term = leaderTerm;
        if (node == null || term < 0 || barrierTerm == term) {
            return;
        }
        barrierTerm = term;
        propose(barrierEntry()).whenComplete((r, e) -> {
            if (e == null && leaderTerm == term) {
                servingTerm = term;
                LOG.info("leader of term {} serving", term);
                onServingStart(term);
            } else if (e != null) {
                LOG.warn("barrier of term {} failed: {}", term, e.getMessage());
            }
        });
    }

    @Override
    public void onLeaderStop(Status status) {
        leaderTerm = -1;
        onServingStop();
    }

    @Override
    public void onError(com.alipay.sofa.jraft.error.RaftException e) {
        LOG.error("raft group halted: {}", e.getStatus());
    }
}
