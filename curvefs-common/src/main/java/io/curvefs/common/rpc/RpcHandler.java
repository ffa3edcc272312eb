package io.curvefs.common.rpc;

import com.google.protobuf.Message;

import java.util.concurrent.CompletableFuture;

/** Serves one request type. Throw {@link RpcException} to answer with its status. */
@FunctionalInterface
public interface RpcHandler<Q extends Message, R extends Message> {
    CompletableFuture<R> handle(Q request) throws Exception;

    /** Adapts a handler that answers on the calling thread. */
    static <Q extends Message, R extends Message> RpcHandler<Q, R> sync(SyncHandler<Q, R> handler) {
        return request -> CompletableFuture.completedFuture(handler.handle(request));
    }

    @FunctionalInterface
    interface SyncHandler<Q extends Message, R extends Message> {
        R handle(Q request) throws Exception;
    }
}
