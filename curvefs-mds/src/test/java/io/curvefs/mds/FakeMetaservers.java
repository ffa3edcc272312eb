package io.curvefs.mds;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcHandler;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.copyset.CreateCopysetRequest;
import io.curvefs.proto.copyset.CreateCopysetResponse;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.metaserver.DeletePartitionResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stand-ins for metaservers that answer the MDS's copyset and partition calls and record them; each
 * copyset's first member plays its leader. Real metaservers are exercised by the tests module.
 */
final class FakeMetaservers implements AutoCloseable {
    final List<String> addresses = new ArrayList<>();
    final List<CurveRpcServer> servers = new ArrayList<>();
    /** One entry per CreateCopysetRequest received, by any member. */
    final List<CopysetInfo> copysetCreations = new CopyOnWriteArrayList<>();
    final Map<String, CopysetInfo> copysets = new ConcurrentHashMap<>();
    final Map<Integer, PartitionInfo> partitions = new ConcurrentHashMap<>();
    final List<CreateRootInodeRequest> rootInodes = new CopyOnWriteArrayList<>();
    final List<Integer> deletedPartitions = new CopyOnWriteArrayList<>();

    static FakeMetaservers start(int count) throws Exception {
        FakeMetaservers fakes = new FakeMetaservers();
        try {
            for (int i = 0; i < count; i++) {
                int port = MdsTestCluster.freePort();
                CurveRpcServer server = new CurveRpcServer(new Endpoint("127.0.0.1", port), MdsTestCluster.TOKEN, 4);
                fakes.register(server);
                server.start();
                fakes.servers.add(server);
                fakes.addresses.add("127.0.0.1:" + port);
            }
            return fakes;
        } catch (Exception e) {
            fakes.close();
            throw e;
        }
    }

    private static String key(int pool, int copyset) {
        return pool + "/" + copyset;
    }

    private void register(CurveRpcServer server) {
        server.register(CreateCopysetRequest.class, CreateCopysetResponse.getDefaultInstance(), RpcHandler.sync(req -> {
            for (CopysetInfo c : req.getCopysetsList()) {
                copysetCreations.add(c);
                copysets.put(key(c.getPoolId(), c.getCopysetId()), c);
            }
            return CreateCopysetResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
        server.register(GetCopysetStatusRequest.class, GetCopysetStatusResponse.getDefaultInstance(), RpcHandler.sync(req -> {
            CopysetInfo c = copysets.get(key(req.getPoolId(), req.getCopysetId()));
            String leader = c == null ? "" : c.getPeers(0).getAddress();
            return GetCopysetStatusResponse.newBuilder().setStatus(Statuses.OK).setCopyset(CopysetStatus.newBuilder()
                    .setPoolId(req.getPoolId()).setCopysetId(req.getCopysetId()).setLeader(leader)).build();
        }));
        server.register(CreatePartitionRequest.class, CreatePartitionResponse.getDefaultInstance(), RpcHandler.sync(req -> {
            partitions.put(req.getPartition().getPartitionId(), req.getPartition());
            return CreatePartitionResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
        server.register(CreateRootInodeRequest.class, CreateRootInodeResponse.getDefaultInstance(), RpcHandler.sync(req -> {
            rootInodes.add(req);
            return CreateRootInodeResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
        server.register(DeletePartitionRequest.class, DeletePartitionResponse.getDefaultInstance(), RpcHandler.sync(req -> {
            deletedPartitions.add(req.getPartitionId());
            partitions.remove(req.getPartitionId());
            return DeletePartitionResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
    }

    @Override
    public void close() {
        servers.forEach(CurveRpcServer::close);
    }
}
