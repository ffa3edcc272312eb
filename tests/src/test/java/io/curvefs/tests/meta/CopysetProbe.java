package io.curvefs.tests.meta;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Asks one replica of a copyset about its raft state, without redirects: tests need each replica's view. */
public final class CopysetProbe {
    static final String LEADER = "STATE_LEADER";
    private static final long TIMEOUT_MS = 5_000;

    private final CurveRpcClient rpc;
    private final int poolId;
    private final int copysetId;

    public CopysetProbe(CurveRpcClient rpc, int poolId, int copysetId) {
        this.rpc = rpc;
        this.poolId = poolId;
        this.copysetId = copysetId;
    }

    /** The replica's status; throws RpcException when it cannot be reached or refuses. */
    public CopysetStatus status(String peer, boolean withHash) {
        GetCopysetStatusRequest req = GetCopysetStatusRequest.newBuilder().setPoolId(poolId)
                .setCopysetId(copysetId).setQueryHash(withHash).build();
        try {
            GetCopysetStatusResponse resp = rpc.<GetCopysetStatusResponse>invoke(
                    LeaderChannel.parseEndpoint(peer), req, TIMEOUT_MS).get(TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
            return Statuses.requireOk(resp).getCopyset();
        } catch (ExecutionException | TimeoutException e) {
            throw new RpcException(StatusCode.UNAVAILABLE, peer + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.UNAVAILABLE, "interrupted");
        }
    }

    /** The peer that says it leads, or null when none does right now. */
    String leader(List<String> peers) {
        for (String peer : peers) {
            try {
                if (LEADER.equals(status(peer, false).getState())) {
                    return peer;
                }
            } catch (RpcException e) {
                // down or restarting: another peer may lead
            }
        }
        return null;
    }
}
