package io.curvefs.metaserver.heartbeat;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.Mountpoint;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * File system settings by id, from the MDS, kept once known: what the metaserver needs of them (the S3
 * endpoint, bucket and naming, the trash retention) does not change after create-fs.
 */
public final class FsInfoCache implements IntFunction<FsInfo> {
    private final LeaderChannel mds;
    private final RetryPolicy policy;
    private final Map<Integer, FsInfo> known = new ConcurrentHashMap<>();

    public FsInfoCache(LeaderChannel mds, RetryPolicy policy) {
        this.mds = mds;
        this.policy = policy;
    }

    /** Throws RpcException when the MDS cannot answer (or knows no such fs). */
    @Override
    public FsInfo apply(int fsId) {
        FsInfo cached = known.get(fsId);
        if (cached != null) {
            return cached;
        }
        return fresh(fsId);
    }

    /** Asks the MDS even when known: for what does change, such as the fs's mounts. */
    public FsInfo fresh(int fsId) {
        GetFsInfoResponse r = mds.call(GetFsInfoRequest.newBuilder().setFsId(fsId).build(), policy);
        FsInfo fs = Statuses.requireOk(r).getFsInfo();
        known.put(fsId, fs);
        return fs;
    }

    /**
     * The session ids of the fs's mounts now, asked of the MDS: what holds and locks of mounts that died
     * are judged by. Throws RpcException when the MDS cannot answer.
     */
    public Set<String> mountSessions(int fsId) {
        return fresh(fsId).getMountpointsList().stream().map(Mountpoint::getSessionId).collect(Collectors.toSet());
    }
}
