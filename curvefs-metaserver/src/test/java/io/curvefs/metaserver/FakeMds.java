package io.curvefs.metaserver;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcHandler;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/** Answers registrations with {@code registerReply} and heartbeats with {@code heartbeatCode}. */
/** A stand-in MDS that records registrations and heartbeats and answers as told. */
final class FakeMds implements AutoCloseable {
    final BlockingQueue<RegisterMetaServerRequest> registrations = new LinkedBlockingQueue<>();
    final BlockingQueue<MetaServerHeartbeatRequest> heartbeats = new LinkedBlockingQueue<>();
    final AtomicReference<RegisterMetaServerResponse> registerReply = new AtomicReference<>();
    final AtomicReference<StatusCode> heartbeatCode = new AtomicReference<>(StatusCode.OK);
    final CurveRpcServer server;

    FakeMds(int port) {
        server = new CurveRpcServer(new Endpoint("127.0.0.1", port), TestCluster.TOKEN, 2);
        server.register(RegisterMetaServerRequest.class, RegisterMetaServerResponse.getDefaultInstance(),
                RpcHandler.sync(r -> {
                    registrations.add(r);
                    return registerReply.get();
                }));
        server.register(MetaServerHeartbeatRequest.class, MetaServerHeartbeatResponse.getDefaultInstance(),
                RpcHandler.sync(r -> {
                    heartbeats.add(r);
                    return MetaServerHeartbeatResponse.newBuilder()
                            .setStatus(Statuses.of(heartbeatCode.get(), "")).build();
                }));
        server.start();
    }

    @Override
    public void close() {
        server.close();
    }
}
