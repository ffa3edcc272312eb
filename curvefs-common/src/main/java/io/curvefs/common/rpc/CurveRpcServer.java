package io.curvefs.common.rpc;

import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Message;
import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one RPC server of a process: jraft's bolt server, shared by the raft groups the process hosts and
 * by our services. Every request must carry the cluster token.
 */
public final class CurveRpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CurveRpcServer.class);

    private final RpcServer server;
    private final String clusterToken;
    private final ExecutorService executor;
    private final Endpoint endpoint;

    public CurveRpcServer(Endpoint endpoint, String clusterToken, int threads) {
        WireMessages.registerAll();
        this.endpoint = endpoint;
        this.server = RaftRpcServerFactory.createRaftRpcServer(endpoint);
        this.clusterToken = clusterToken;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "rpc-" + endpoint.getPort() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The underlying server, to share with raft groups (they must not start or stop it). */
    public RpcServer raftServer() {
        return server;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Registers a handler that may block; it runs on the server's thread pool. */
    public <Q extends Message, R extends Message> void register(Class<Q> requestType, R responsePrototype,
                                                                RpcHandler<Q, R> handler) {
        register(requestType, responsePrototype, handler, executor);
    }

    /**
     * Registers a handler that never blocks (it proposes, or reads a few keys, and completes its future
     * later): it runs on the IO thread that decoded the request, which saves a thread hand-off (a futex
     * wake and a context switch on each side) per request.
     */
    public <Q extends Message, R extends Message> void registerInline(Class<Q> requestType, R responsePrototype,
                                                                      RpcHandler<Q, R> handler) {
        register(requestType, responsePrototype, handler, Runnable::run);
    }

    private <Q extends Message, R extends Message> void register(Class<Q> requestType, R responsePrototype,
                                                                 RpcHandler<Q, R> handler, Executor runOn) {
        server.registerProcessor(new RpcProcessor<Q>() {
            @Override
            public void handleRequest(RpcContext ctx, Q request) {
                dispatch(ctx, request, responsePrototype, handler);
            }

            @Override
            public String interest() {
                return requestType.getName();
            }

            @Override
            public Executor executor() {
                return runOn;
            }
        });
    }

    private <Q extends Message, R extends Message> void dispatch(RpcContext ctx, Q request, R prototype,
                                                                 RpcHandler<Q, R> handler) {
        if (!clusterToken.equals(Statuses.headerOf(request).getClusterToken())) {
            ctx.sendResponse(Statuses.withStatus(prototype,
                    Statuses.of(StatusCode.UNAUTHENTICATED, "wrong or missing cluster token")));
            return;
        }
        CompletableFuture<R> reply;
        try {
            reply = handler.handle(request);
        } catch (Throwable t) {
            reply = CompletableFuture.failedFuture(t);
        }
        reply.whenComplete((response, error) -> {
            if (error == null) {
                ctx.sendResponse(response);
            } else {
                ctx.sendResponse(Statuses.withStatus(prototype, toStatus(request, error)));
            }
        });
    }

    private static Status toStatus(Message request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RpcException rpc) {
            return rpc.toStatus();
        }
        LOG.warn("{} failed", request.getDescriptorForType().getName(), cause);
        return Statuses.of(StatusCode.INTERNAL_ERROR, String.valueOf(cause));
    }

    public void start() {
        if (!server.init(null)) {
            throw new IllegalStateException("cannot listen on " + endpoint);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        executor.shutdownNow();
    }
}
