package io.curvefs.metaserver.copyset;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.StatusCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Linearizable reads on a copyset leader without a raft round trip while its lease holds.
 *
 * <p>While the leader serves (an entry of its own term applied, so everything earlier leaders acknowledged
 * is in its store) and a majority answered it within the lease (jraft's leader lease: no other leader can
 * have been elected since), its store already holds every acknowledged write: a point read runs at once on
 * the caller's thread. Otherwise the read waits for jraft's read index (a quorum heartbeat) first.
 * {@link #scan} is for reads whose size depends on the data (listings, chunk lists): they always run on
 * {@code executor}, never on an RPC IO thread or jraft's closure threads.
 */
public final class LeaseReader {
    private static final byte[] NO_CONTEXT = new byte[0];

    private final Executor executor;

    public LeaseReader(Executor executor) {
        this.executor = executor;
    }

    /** A read of a few keys. */
    public <T> CompletableFuture<T> read(CopysetNode copyset, Function<MetaReader, T> query) {
        CopysetStateMachine fsm = copyset.stateMachine();
        fsm.requireServing();
        if (leaseHolds(copyset.raftNode())) {
            try {
                return CompletableFuture.completedFuture(query.apply(copyset.reader()));
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        }
        return afterReadIndex(copyset, query);
    }

    /** A read that may walk many keys. */
    public <T> CompletableFuture<T> scan(CopysetNode copyset, Function<MetaReader, T> query) {
        CopysetStateMachine fsm = copyset.stateMachine();
        fsm.requireServing();
        if (leaseHolds(copyset.raftNode())) {
            return onExecutor(copyset, query, new CompletableFuture<>());
        }
        return afterReadIndex(copyset, query);
    }

    /** What jraft's lease check computes: a majority of the peers (this one included) answered within the lease. */
    private static boolean leaseHolds(Node node) {
        try {
            return node.listAlivePeers().size() > node.listPeers().size() / 2;
        } catch (IllegalStateException notLeader) {
            return false;
        }
    }

    private <T> CompletableFuture<T> afterReadIndex(CopysetNode copyset, Function<MetaReader, T> query) {
        CopysetStateMachine fsm = copyset.stateMachine();
        CompletableFuture<T> result = new CompletableFuture<>();
        copyset.raftNode().readIndex(ReadOnlyOption.ReadOnlyLeaseBased, NO_CONTEXT, new ReadIndexClosure() {
            @Override
            public void run(Status status, long index, byte[] context) {
                if (!status.isOk()) {
                    result.completeExceptionally(fsm.isServing()
                            ? new RpcException(StatusCode.UNAVAILABLE, "read index failed: " + status.getErrorMsg())
                            : new RpcException(Statuses.notLeader(fsm.leaderAddress())));
                    return;
                }
                onExecutor(copyset, query, result);
            }
        });
        return result;
    }

    private <T> CompletableFuture<T> onExecutor(CopysetNode copyset, Function<MetaReader, T> query,
                                                CompletableFuture<T> result) {
        try {
            executor.execute(() -> {
                try {
                    result.complete(query.apply(copyset.reader()));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new RpcException(StatusCode.OVERLOAD, "read queue full"));
        }
        return result;
    }
}
