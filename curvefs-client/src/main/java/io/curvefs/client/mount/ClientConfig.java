package io.curvefs.client.mount;

import io.curvefs.client.data.DataConfig;
import io.curvefs.client.fuse.FuseConfig;
import io.curvefs.common.conf.Config;
import io.curvefs.common.rpc.RetryPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of one mount, read from client.conf (see the comments there for every key).
 *
 * @param clusterToken   shared secret carried by every RPC
 * @param mdsAddrs       all MDS replicas
 * @param rpcDeadline    a metadata call (all its retries) fails with EIO after this
 * @param attrTimeout    how long the kernel and the client cache inode attributes
 * @param entryTimeout   how long the kernel and the client cache name lookups
 * @param chunkIdBatch   chunk ids asked of the MDS at once
 * @param data           the S3 data path's tunables
 * @param fuse           the FUSE adapter's threads and kernel cache mode
 */
public record ClientConfig(String clusterToken, List<String> mdsAddrs, Duration rpcDeadline,
                           Duration attrTimeout, Duration entryTimeout, int chunkIdBatch, DataConfig data,
                           FuseConfig fuse) {

    public static ClientConfig load(Path file) {
        Config c = Config.load(file);
        DataConfig d = DataConfig.defaults();
        String diskDir = c.getString("data.diskCache.dir", "");
        DataConfig data = new DataConfig(
                c.getLong("data.writeBuffer.bytes", d.writeBufferBytes(), 1 << 20, Long.MAX_VALUE),
                d.writePageBytes(),
                Duration.ofMillis(c.getLong("data.writeBuffer.waitMs", d.writeWait().toMillis(), 1, Long.MAX_VALUE)),
                Duration.ofMillis(c.getLong("data.flushIntervalMs", d.flushInterval().toMillis(), 100, Long.MAX_VALUE)),
                c.getLong("data.blockCache.bytes", d.blockCacheBytes(), 0, Long.MAX_VALUE),
                d.cacheUnitBytes(),
                c.getLong("data.readAhead.bytes", d.readAheadBytes(), 0, Long.MAX_VALUE),
                diskDir.isEmpty() ? null : c.getPath("data.diskCache.dir"),
                c.getLong("data.diskCache.bytes", d.diskCacheBytes(), 0, Long.MAX_VALUE),
                c.getInt("data.s3.uploadThreads", d.uploadThreads(), 1, 1024),
                c.getInt("data.s3.readThreads", d.readThreads(), 1, 1024),
                d.flushThreads(),
                Duration.ofMillis(c.getLong("data.s3.deadlineMs", d.s3Deadline().toMillis(), 100, Long.MAX_VALUE)),
                d.s3ConnectTimeout(), d.s3SocketTimeout(),
                c.getInt("data.s3.maxConnections", d.s3MaxConnections(), 1, 4096),
                d.s3MaxAttempts());
        ClientConfig config = new ClientConfig(
                c.getString("cluster.token"),
                c.getAddressList("mds.addrs"),
                Duration.ofMillis(c.getLong("client.rpc.deadlineMs", 20_000, 100, Long.MAX_VALUE)),
                Duration.ofMillis(c.getLong("client.attrTimeoutMs", 1_000, 0, 3_600_000)),
                Duration.ofMillis(c.getLong("client.entryTimeoutMs", 1_000, 0, 3_600_000)),
                c.getInt("client.chunkIdBatch", 1000, 1, 1_000_000),
                data,
                new FuseConfig(c.getInt("client.fuse.threads", FuseConfig.DEFAULTS.threads(), 1, 1024),
                        c.getBoolean("client.fuse.writebackCache", FuseConfig.DEFAULTS.writebackCache())));
        c.checkNoUnknownKeys();
        return config;
    }

    public RetryPolicy retryPolicy() {
        RetryPolicy d = RetryPolicy.DEFAULT;
        return new RetryPolicy(rpcDeadline.toMillis(), Math.min(d.attemptTimeoutMs(), rpcDeadline.toMillis()),
                d.minBackoffMs(), d.maxBackoffMs());
    }
}
