package io.curvefs.common.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import com.google.protobuf.Message;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;

import java.util.concurrent.CompletableFuture;

/** Carries a proposed entry's result from the state machine back to the proposer. */
final class ApplyClosure implements Closure {
    private final CompletableFuture<Message> future = new CompletableFuture<>();
    private volatile Message result;

    CompletableFuture<Message> future() {
        return future;
    }

    void setResult(Message result) {
        this.result = result;
    }

    @Override
    public void run(Status status) {
        if (status.isOk()) {
            future.complete(result);
        } else if (status.getRaftError() == RaftError.EBUSY) {
            future.completeExceptionally(new RpcException(StatusCode.OVERLOAD, status.getErrorMsg()));
        } else {
            // the entry may or may not have been committed; the caller retries with the same sequence
            future.completeExceptionally(new RpcException(StatusCode.UNAVAILABLE,
                    "raft: " + status.getRaftError() + " " + status.getErrorMsg()));
        }
    }
}
