package io.curvefs.metaserver.service;

import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcHandler;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.copyset.CopysetId;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.copyset.CreateCopysetRequest;
import io.curvefs.proto.copyset.CreateCopysetResponse;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;
import io.curvefs.proto.copyset.ListCopysetsRequest;
import io.curvefs.proto.copyset.ListCopysetsResponse;
import io.curvefs.proto.copyset.TransferLeaderRequest;
import io.curvefs.proto.copyset.TransferLeaderResponse;
import io.curvefs.proto.common.StatusCode;
import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.Status;
import io.curvefs.common.rpc.RpcException;

import java.util.Comparator;

/** CopysetService: the MDS creates copysets here; tools and tests inspect them. */
public final class CopysetService {
    private final CopysetManager copysets;

    public CopysetService(CopysetManager copysets) {
        this.copysets = copysets;
    }

    public void registerOn(CurveRpcServer server) {
        server.register(CreateCopysetRequest.class, CreateCopysetResponse.getDefaultInstance(),
                RpcHandler.sync(this::create));
        server.register(GetCopysetStatusRequest.class, GetCopysetStatusResponse.getDefaultInstance(),
                RpcHandler.sync(r -> GetCopysetStatusResponse.newBuilder().setStatus(Statuses.OK)
                        .setCopyset(copysets.require(r.getPoolId(), r.getCopysetId()).status(r.getQueryHash()))
                        .build()));
        server.register(ListCopysetsRequest.class, ListCopysetsResponse.getDefaultInstance(),
                RpcHandler.sync(r -> {
                    ListCopysetsResponse.Builder out = ListCopysetsResponse.newBuilder().setStatus(Statuses.OK);
                    copysets.all().stream()
                            .sorted(Comparator.comparing(CopysetNode::id, Comparator.comparingInt(CopysetId::poolId)
                                    .thenComparingInt(CopysetId::copysetId)))
                            .forEach(c -> out.addCopysets(c.status(false)));
                    return out.build();
                }));
        server.register(TransferLeaderRequest.class, TransferLeaderResponse.getDefaultInstance(),
                RpcHandler.sync(this::transferLeader));
    }

    /** Hands leadership to another peer; the caller learns the outcome from later heartbeats. */
    private TransferLeaderResponse transferLeader(TransferLeaderRequest r) {
        CopysetNode copyset = copysets.require(r.getPoolId(), r.getCopysetId());
        copyset.stateMachine().requireServing();
        if (!copyset.peers().contains(r.getTransferee())) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, r.getTransferee() + " is not a peer of " + copyset.id());
        }
        Status st = copyset.raftNode().transferLeadershipTo(JRaftUtils.getPeerId(r.getTransferee()));
        if (!st.isOk()) {
            throw new RpcException(StatusCode.UNAVAILABLE, "transfer leader: " + st.getErrorMsg());
        }
        return TransferLeaderResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    /** Creates every listed copyset not hosted yet; stops at the first one that contradicts a hosted one. */
    private CreateCopysetResponse create(CreateCopysetRequest r) {
        for (CopysetInfo info : r.getCopysetsList()) {
            copysets.create(new CopysetId(info.getPoolId(), info.getCopysetId()),
                    info.getPeersList().stream().map(Peer::getAddress).toList());
        }
        return CreateCopysetResponse.newBuilder().setStatus(Statuses.OK).build();
    }
}
