package io.curvefs.metaserver.copyset;

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
 * Linearizable reads on a copyset leader without a raft round trip while its lease holds (jraft falls
 * back to a quorum heartbeat when it does not). The read itself runs on {@code executor}, never on
 * jraft's closure threads.
 */
public final class LeaseReader {
    private static final byte[] NO_CONTEXT = new byte[0];

    private final Executor executor;

    public LeaseReader(Executor executor) {
        this.executor = executor;
    }

    public <T> CompletableFuture<T> read(CopysetNode copyset, Function<MetaReader, T> query) {
        CopysetStateMachine fsm = copyset.stateMachine();
        fsm.requireServing();
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
            }
        });
        return result;
    }
}
