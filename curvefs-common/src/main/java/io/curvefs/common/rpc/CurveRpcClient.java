package io.curvefs.common.rpc;

import com.alipay.remoting.Protocol;
import com.alipay.remoting.ProtocolCode;
import com.alipay.remoting.ProtocolManager;
import com.alipay.remoting.rpc.protocol.RpcCommandCode;
import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import com.alipay.remoting.rpc.protocol.RpcResponseProcessor;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.protobuf.Message;
import io.curvefs.proto.common.RequestHeader;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the RPC layer, one per process: stamps the cluster token, the client id and a
 * sequence number on every request, and sends it to one endpoint.
 */
public final class CurveRpcClient implements AutoCloseable {
    private final RpcClient client;
    private final String clusterToken;
    private final String clientId;
    private final AtomicLong seq = new AtomicLong();

    public CurveRpcClient(String clusterToken) {
        WireMessages.registerAll();
        this.clusterToken = clusterToken;
        this.clientId = UUID.randomUUID().toString();
        this.client = RpcFactoryHelper.rpcFactory().createRpcClient();
        RpcOptions options = new RpcOptions();
        options.setRpcConnectTimeoutMs(1000);
        this.client.init(options);
    }

    /**
     * Lets the IO thread that decodes a response complete the caller's future itself, instead of handing
     * it to bolt's response pool first: one thread hand-off (a futex wake and a context switch) less per
     * call. For processes whose callbacks only complete futures, like the FUSE client; JVM-wide (bolt's
     * protocol registry is static), so a server, whose raft callbacks do more, must not call it.
     */
    public static void completeOnIoThreads() {
        for (byte code : new byte[]{RpcProtocol.PROTOCOL_CODE, RpcProtocolV2.PROTOCOL_CODE}) {
            Protocol protocol = ProtocolManager.getProtocol(ProtocolCode.fromBytes(code));
            if (protocol != null) {
                protocol.getCommandHandler().registerProcessor(RpcCommandCode.RPC_RESPONSE,
                        new RpcResponseProcessor(ImmediateEventExecutor.INSTANCE));
            }
        }
    }

    public String clientId() {
        return clientId;
    }

    /**
     * Gives the request its header. A request that already has a sequence number keeps it, so that a
     * retry is recognised as the same mutation.
     */
    public <Q extends Message> Q stamp(Q request) {
        RequestHeader header = Statuses.headerOf(request);
        if (header.getSeq() != 0 && header.getClientId().equals(clientId)) {
            return request;
        }
        return Statuses.withHeader(request, RequestHeader.newBuilder().setClusterToken(clusterToken)
                .setClientId(clientId).setSeq(seq.incrementAndGet()).build());
    }

    /** One attempt; the future fails with the transport's exception or a timeout. */
    @SuppressWarnings("unchecked")
    public <R extends Message> CompletableFuture<R> invoke(Endpoint endpoint, Message request, long timeoutMs) {
        CompletableFuture<R> future = new CompletableFuture<>();
        try {
            client.invokeAsync(endpoint, stamp(request), (result, error) -> {
                if (error != null) {
                    future.completeExceptionally(error);
                } else if (result instanceof Message) {
                    future.complete((R) result);
                } else {
                    future.completeExceptionally(new IllegalStateException("unexpected reply " + result));
                }
            }, timeoutMs);
        } catch (Exception e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
