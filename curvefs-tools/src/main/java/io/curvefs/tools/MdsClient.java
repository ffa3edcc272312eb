package io.curvefs.tools;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.GetMdsStatusRequest;
import io.curvefs.proto.mds.GetMdsStatusResponse;
import io.curvefs.proto.mds.ListFsRequest;
import io.curvefs.proto.mds.ListFsResponse;
import io.curvefs.proto.mds.ListPartitionRequest;
import io.curvefs.proto.mds.ListPartitionResponse;
import io.curvefs.proto.topology.ListTopologyRequest;
import io.curvefs.proto.topology.ListTopologyResponse;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tool's connection to the MDS group: every call follows the leader, gives up after about 10 s, and
 * turns a refusal or silence into a {@link ToolException} that names what failed.
 */
final class MdsClient implements AutoCloseable {
    /** An operator waits ~10 s at most: long enough to ride out an MDS failover, short enough to act on. */
    private static final RetryPolicy TOOL_POLICY = new RetryPolicy(10_000, 3_000, 50, 1_000);
    /**
     * create-fs and delete-fs run several replicated steps on the MDS (S3 probe, copysets, partitions, root
     * inode); on a loaded machine that outlasts a 3 s attempt, and a retry only resumes the interrupted work, so
     * these calls get a longer attempt and deadline.
     */
    static final RetryPolicy MULTI_STEP_POLICY = new RetryPolicy(60_000, 30_000, 50, 1_000);
    private static final long PROBE_TIMEOUT_MS = 2_000;

    private final CurveRpcClient rpc;
    private final LeaderChannel channel;
    private final List<String> mdsAddrs;

    MdsClient(ToolConf conf) {
        this.rpc = new CurveRpcClient(conf.clusterToken());
        this.channel = new LeaderChannel(rpc, conf.mdsAddrs(), TOOL_POLICY);
        this.mdsAddrs = conf.mdsAddrs();
    }

    List<String> mdsAddrs() {
        return mdsAddrs;
    }

    /** Sends {@code request} to the leader; returns the answer only when its status is OK. */
    <R extends Message> R call(String what, Message request) {
        return call(what, request, TOOL_POLICY);
    }

    <R extends Message> R call(String what, Message request, RetryPolicy policy) {
        R response;
        try {
            response = channel.call(request, policy);
        } catch (RpcException e) {
            throw ToolException.unreachable(what, e);
        }
        Status status = Statuses.statusOf(response);
        if (status.getCode() != StatusCode.OK) {
            throw ToolException.refused(what, status);
        }
        return response;
    }

    /** Asks one MDS replica about itself, without following redirects: this is how the tool sees each one. */
    MdsProbe probe(String address) {
        try {
            GetMdsStatusResponse r = rpc.<GetMdsStatusResponse>invoke(LeaderChannel.parseEndpoint(address),
                    GetMdsStatusRequest.getDefaultInstance(), PROBE_TIMEOUT_MS)
                    .get(PROBE_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
            if (r.getStatus().getCode() != StatusCode.OK) {
                return MdsProbe.down(address, r.getStatus().getCode() + " " + r.getStatus().getMessage());
            }
            return MdsProbe.up(address, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MdsProbe.down(address, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return MdsProbe.down(address, cause.getClass().getSimpleName());
        }
    }

    List<FsInfo> listFs(String what) {
        return this.<ListFsResponse>call(what, ListFsRequest.getDefaultInstance()).getFsInfosList();
    }

    FsInfo fsByName(String what, String fsName) {
        return this.<GetFsInfoResponse>call(what, GetFsInfoRequest.newBuilder().setFsName(fsName).build())
                .getFsInfo();
    }

    List<PartitionInfo> partitionsOf(String what, int fsId) {
        return this.<ListPartitionResponse>call(what, ListPartitionRequest.newBuilder().setFsId(fsId).build())
                .getPartitionsList();
    }

    ListTopologyResponse topology(String what) {
        return call(what, ListTopologyRequest.getDefaultInstance());
    }

    @Override
    public void close() {
        rpc.close();
    }

    /** One MDS replica as the tool saw it: unreachable (with why), or its own account of its role. */
    record MdsProbe(String address, boolean up, boolean leader, boolean serving, String leaderAddress,
                    String problem) {
        static MdsProbe up(String address, GetMdsStatusResponse r) {
            return new MdsProbe(address, true, r.getIsLeader(), r.getServing(), r.getLeader(), "");
        }

        static MdsProbe down(String address, String problem) {
            return new MdsProbe(address, false, false, false, "", problem);
        }
    }
}
