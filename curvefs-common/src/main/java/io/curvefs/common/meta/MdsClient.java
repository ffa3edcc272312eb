package io.curvefs.common.meta;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.mds.AllocateChunkIdRequest;
import io.curvefs.proto.mds.AllocateChunkIdResponse;
import io.curvefs.proto.mds.CreatePartitionRequest;
import io.curvefs.proto.mds.CreatePartitionResponse;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.ListPartitionRequest;
import io.curvefs.proto.mds.ListPartitionResponse;
import io.curvefs.proto.mds.MountFsRequest;
import io.curvefs.proto.mds.MountFsResponse;
import io.curvefs.proto.mds.Mountpoint;
import io.curvefs.proto.mds.RefreshSessionRequest;
import io.curvefs.proto.mds.RefreshSessionResponse;
import io.curvefs.proto.mds.UmountFsRequest;
import io.curvefs.proto.mds.UmountFsResponse;

import java.util.List;

/**
 * What a mount asks the MDS group: fs info, the partition map, new partitions, chunk ids and its mount
 * session. Every call goes to the serving MDS (redirects and retries are the channel's job) and a
 * non-OK status is thrown as {@link io.curvefs.common.rpc.RpcException}.
 */
public final class MdsClient implements PartitionSource {
    private final LeaderChannel channel;

    public MdsClient(CurveRpcClient rpc, List<String> mdsAddrs, RetryPolicy policy) {
        this.channel = new LeaderChannel(rpc, mdsAddrs, policy);
    }

    public FsInfo getFsInfo(String fsName) {
        GetFsInfoResponse resp = Statuses.requireOk(channel.call(
                GetFsInfoRequest.newBuilder().setFsName(fsName).build()));
        return resp.getFsInfo();
    }

    /** The fs's partitions together with the copysets hosting them. */
    @Override
    public ListPartitionResponse listPartitions(int fsId) {
        return Statuses.requireOk(channel.call(ListPartitionRequest.newBuilder().setFsId(fsId).build()));
    }

    public List<PartitionInfo> createPartitions(int fsId, int count) {
        CreatePartitionResponse resp = Statuses.requireOk(channel.call(
                CreatePartitionRequest.newBuilder().setFsId(fsId).setCount(count).build()));
        return resp.getPartitionsList();
    }

    /** Returns the first of {@code count} consecutive chunk ids that now belong to the caller. */
    public long allocateChunkIds(int fsId, int count) {
        AllocateChunkIdResponse resp = Statuses.requireOk(channel.call(
                AllocateChunkIdRequest.newBuilder().setFsId(fsId).setCount(count).build()));
        return resp.getBeginChunkId();
    }

    public MountFsResponse mount(String fsName, Mountpoint mountpoint) {
        return Statuses.requireOk(channel.call(
                MountFsRequest.newBuilder().setFsName(fsName).setMountpoint(mountpoint).build()));
    }

    public void umount(String fsName, Mountpoint mountpoint) {
        Statuses.requireOk(channel.<UmountFsResponse>call(
                UmountFsRequest.newBuilder().setFsName(fsName).setMountpoint(mountpoint).build()));
    }

    public RefreshSessionResponse refreshSession(String fsName, Mountpoint mountpoint) {
        return Statuses.requireOk(channel.call(
                RefreshSessionRequest.newBuilder().setFsName(fsName).setMountpoint(mountpoint).build()));
    }
}
