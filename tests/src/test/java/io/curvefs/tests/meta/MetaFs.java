package io.curvefs.tests.meta;

import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A file system created with the tool and opened through the client's metadata layer, as a mount
 * would: its own RPC client (own client id), an MDS client and a MetaClient.
 */
public final class MetaFs implements AutoCloseable {
    static final long ROOT = 1;

    private final CurveRpcClient rpc;
    final MdsClient mds;
    final MetaClient meta;
    final FsInfo info;

    private MetaFs(CurveRpcClient rpc, MdsClient mds, MetaClient meta, FsInfo info) {
        this.rpc = rpc;
        this.mds = mds;
        this.meta = meta;
        this.info = info;
    }

    static MetaFs create(LocalCluster cluster, EmbeddedS3 s3, String fsName) {
        var result = cluster.tool("create-fs", "--fsname", fsName, "--s3-endpoint", s3.endpoint(),
                "--s3-ak", s3.accessKey(), "--s3-sk", s3.secretKey(), "--s3-bucket", s3.bucket());
        assertEquals(0, result.exitCode(), () -> "create-fs " + fsName + " failed: " + result.stdout()
                + result.stderr());
        return open(cluster, fsName);
    }

    /** Another client of an existing file system, as a second mount would be (own client id). */
    public static MetaFs open(LocalCluster cluster, String fsName) {
        CurveRpcClient rpc = new CurveRpcClient(cluster.clusterToken());
        try {
            MdsClient mds = new MdsClient(rpc, cluster.mdsAddrs(), RetryPolicy.DEFAULT);
            FsInfo info = mds.getFsInfo(fsName);
            return new MetaFs(rpc, mds, new MetaClient(rpc, mds, info.getFsId(), RetryPolicy.DEFAULT), info);
        } catch (RuntimeException e) {
            rpc.close();
            throw e;
        }
    }

    /** Where a test class keeps its cluster: under target/, kept after the run for post-mortems. */
    static Path workDir(Class<?> testClass) {
        return Path.of("target", "clusters", testClass.getSimpleName() + "-" + System.currentTimeMillis())
                .toAbsolutePath();
    }

    static Time time(long sec, int nsec) {
        return Time.newBuilder().setSec(sec).setNsec(nsec).build();
    }

    static Time now() {
        long ms = System.currentTimeMillis();
        return time(ms / 1000, (int) (ms % 1000) * 1_000_000);
    }

    public MetaClient meta() {
        return meta;
    }

    @Override
    public void close() {
        rpc.close();
    }
}
