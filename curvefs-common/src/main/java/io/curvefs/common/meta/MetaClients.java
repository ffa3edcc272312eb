package io.curvefs.common.meta;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link MetaClient} per file system over one RPC client, built on first use: for a process that acts
 * on whichever file systems its work belongs to (a metaserver's background jobs), where a mount has one.
 */
public final class MetaClients {
    private final CurveRpcClient rpc;
    private final MdsClient mds;
    private final RetryPolicy policy;
    private final ConcurrentMap<Integer, MetaClient> byFs = new ConcurrentHashMap<>();

    public MetaClients(CurveRpcClient rpc, List<String> mdsAddrs, RetryPolicy policy) {
        this.rpc = rpc;
        this.mds = new MdsClient(rpc, mdsAddrs, policy);
        this.policy = policy;
    }

    public MetaClient of(int fsId) {
        return byFs.computeIfAbsent(fsId, id -> new MetaClient(rpc, mds, id, policy));
    }
}
