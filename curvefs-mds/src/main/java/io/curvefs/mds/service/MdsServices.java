package io.curvefs.mds.service;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.RpcHandler;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.chunk.ChunkIdAllocator;
import io.curvefs.mds.fs.FsManager;
import io.curvefs.mds.fs.MountManager;
import io.curvefs.mds.heartbeat.HeartbeatHandler;
import io.curvefs.mds.heartbeat.HeartbeatReports;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.state.MdsStateMachine;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.topology.MetaserverRegistry;
import io.curvefs.mds.topology.TopologyCreator;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import io.curvefs.proto.mds.AllocateChunkIdRequest;
import io.curvefs.proto.mds.AllocateChunkIdResponse;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.CreateFsResponse;
import io.curvefs.proto.mds.CreatePartitionRequest;
import io.curvefs.proto.mds.CreatePartitionResponse;
import io.curvefs.proto.mds.DeleteFsRequest;
import io.curvefs.proto.mds.DeleteFsResponse;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.FsStatus;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.GetMdsStatusRequest;
import io.curvefs.proto.mds.GetMdsStatusResponse;
import io.curvefs.proto.mds.ListFsRequest;
import io.curvefs.proto.mds.ListFsResponse;
import io.curvefs.proto.mds.ListPartitionRequest;
import io.curvefs.proto.mds.ListPartitionResponse;
import io.curvefs.proto.mds.MountFsRequest;
import io.curvefs.proto.mds.MountFsResponse;
import io.curvefs.proto.mds.RefreshSessionRequest;
import io.curvefs.proto.mds.RefreshSessionResponse;
import io.curvefs.proto.mds.UmountFsRequest;
import io.curvefs.proto.mds.UmountFsResponse;
import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.CreateTopologyResponse;
import io.curvefs.proto.topology.ListTopologyRequest;
import io.curvefs.proto.topology.ListTopologyResponse;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;

import java.util.List;

/**
 * The MDS's RPC surface: maps each request type to the component that serves it. Everything but
 * GetMdsStatus is answered by the serving leader only; other replicas answer NOT_LEADER with its address.
 */
public final class MdsServices {
    /** More partitions than this in one request is a client bug, not a need. */
    static final int MAX_PARTITIONS_PER_REQUEST = 64;

    /** The components the handlers delegate to. */
    public record Components(MdsStateMachine fsm, MdsStore store, TopologyCreator topology,
                             MetaserverRegistry registry, HeartbeatHandler heartbeats, MetaserverLiveness liveness,
                             HeartbeatReports reports, FsManager filesystems, MountManager mounts,
                             PartitionManager partitions, ChunkIdAllocator chunkIds) {
    }

    private final Components c;
    private final TopologyListing topologyListing;
    private final MdsStatusReporter statusReporter;

    public MdsServices(Components c, String self, List<String> peers) {
        this.c = c;
        this.topologyListing = new TopologyListing(c.store(), c.liveness(), c.reports(), c.partitions());
        this.statusReporter = new MdsStatusReporter(c.fsm(), self, peers);
    }

    public void registerOn(CurveRpcServer server) {
        server.register(GetMdsStatusRequest.class, GetMdsStatusResponse.getDefaultInstance(),
                RpcHandler.sync(req -> statusReporter.status()));
        leaderOnly(server, CreateTopologyRequest.class, CreateTopologyResponse.getDefaultInstance(),
                req -> c.topology().create(req));
        leaderOnly(server, RegisterMetaServerRequest.class, RegisterMetaServerResponse.getDefaultInstance(),
                req -> c.registry().register(req));
        leaderOnly(server, ListTopologyRequest.class, ListTopologyResponse.getDefaultInstance(),
                req -> topologyListing.list());
        leaderOnly(server, MetaServerHeartbeatRequest.class, MetaServerHeartbeatResponse.getDefaultInstance(),
                req -> c.heartbeats().handle(req));
        leaderOnly(server, CreateFsRequest.class, CreateFsResponse.getDefaultInstance(),
                req -> CreateFsResponse.newBuilder().setStatus(Statuses.OK).setFsInfo(c.filesystems().create(req)).build());
        leaderOnly(server, GetFsInfoRequest.class, GetFsInfoResponse.getDefaultInstance(),
                req -> GetFsInfoResponse.newBuilder().setStatus(Statuses.OK).setFsInfo(c.filesystems().get(req)).build());
        leaderOnly(server, ListFsRequest.class, ListFsResponse.getDefaultInstance(), req -> c.filesystems().list());
        leaderOnly(server, DeleteFsRequest.class, DeleteFsResponse.getDefaultInstance(), req -> c.filesystems().delete(req));
        leaderOnly(server, MountFsRequest.class, MountFsResponse.getDefaultInstance(), req -> c.mounts().mount(req));
        leaderOnly(server, UmountFsRequest.class, UmountFsResponse.getDefaultInstance(), req -> c.mounts().umount(req));
        leaderOnly(server, RefreshSessionRequest.class, RefreshSessionResponse.getDefaultInstance(),
                req -> c.mounts().refresh(req));
        leaderOnly(server, AllocateChunkIdRequest.class, AllocateChunkIdResponse.getDefaultInstance(),
                req -> AllocateChunkIdResponse.newBuilder().setStatus(Statuses.OK)
                        .setBeginChunkId(c.chunkIds().allocate(req.getCount())).build());
        leaderOnly(server, CreatePartitionRequest.class, CreatePartitionResponse.getDefaultInstance(),
                this::createPartitions);
        leaderOnly(server, ListPartitionRequest.class, ListPartitionResponse.getDefaultInstance(), req -> {
            requireFs(req.getFsId());
            return c.partitions().list(req.getFsId());
        });
    }

    private CreatePartitionResponse createPartitions(CreatePartitionRequest req) {
        int count = req.getCount() == 0 ? 1 : req.getCount();
        if (count > MAX_PARTITIONS_PER_REQUEST) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "at most " + MAX_PARTITIONS_PER_REQUEST
                    + " partitions per request, not " + count);
        }
        FsInfo fs = requireFs(req.getFsId());
        if (fs.getStatus() == FsStatus.DELETING) {
            throw new RpcException(StatusCode.FS_UNDER_DELETING, "fs " + fs.getFsName() + " is being deleted");
        }
        if (fs.getStatus() != FsStatus.INITED) {
            throw new RpcException(StatusCode.FS_NOT_INITED, "fs " + fs.getFsName() + " is not fully created");
        }
        return CreatePartitionResponse.newBuilder().setStatus(Statuses.OK)
                .addAllPartitions(c.partitions().createMore(fs, count)).build();
    }

    private FsInfo requireFs(int fsId) {
        return c.filesystems().byId(fsId)
                .orElseThrow(() -> new RpcException(StatusCode.NOT_FOUND, "no fs with id " + fsId));
    }

    private <Q extends Message, R extends Message> void leaderOnly(CurveRpcServer server, Class<Q> type, R prototype,
                                                                   RpcHandler.SyncHandler<Q, R> handler) {
        server.register(type, prototype, RpcHandler.sync(req -> {
            c.fsm().requireReady();
            return handler.handle(req);
        }));
    }
}
