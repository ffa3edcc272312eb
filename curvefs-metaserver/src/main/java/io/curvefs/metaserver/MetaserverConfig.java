package io.curvefs.metaserver;

import io.curvefs.common.conf.Config;
import io.curvefs.common.raft.RaftSettings;
import io.curvefs.metaserver.compaction.CompactionSettings;
import io.curvefs.metaserver.trash.TrashSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a metaserver reads from its config file (keys in the javadoc of {@link #from}).
 *
 * @param mdsAddrs empty when the node runs without an MDS (tests)
 */
public record MetaserverConfig(String clusterToken, String listenAddr, String hostname, List<String> mdsAddrs,
                               Path dataDir, int heartbeatIntervalMs, RaftSettings raft, int rpcThreads,
                               TrashSettings trash, long txSweepIntervalMs, long recycleScanIntervalMs,
                               CompactionSettings compaction, long lockScanIntervalMs) {

    /**
     * Reads cluster.token, metaserver.listen.addr, metaserver.hostname (default: the listen ip),
     * mds.addrs, metaserver.data.dir, metaserver.heartbeat.intervalMs (2000),
     * metaserver.raft.{electionTimeoutMs,snapshotIntervalSec,sync}, metaserver.rpc.threads (16),
     * metaserver.trash.{retentionSec (3600), scanIntervalMs (60000), perRound (1000)},
     * metaserver.tx.sweepIntervalMs (5000), metaserver.recycle.scanIntervalMs (60000),
     * metaserver.compaction.{intervalMs (5000), fragmentThreshold (20), chunksPerRound (10),
     * deleteGraceSec (60)}, metaserver.lock.scanIntervalMs (5000: how often the locks of mounts whose
     * session ended are looked for), and refuses any other key.
     */
    public static MetaserverConfig from(Config conf) {
        String listen = conf.getAddress("metaserver.listen.addr");
        TrashSettings d = TrashSettings.defaults();
        CompactionSettings dc = CompactionSettings.defaults();
        MetaserverConfig c = new MetaserverConfig(
                conf.getString("cluster.token"),
                listen,
                conf.getString("metaserver.hostname", ipOf(listen)),
                conf.getAddressList("mds.addrs"),
                conf.getPath("metaserver.data.dir"),
                conf.getInt("metaserver.heartbeat.intervalMs", 2000, 100, 600_000),
                RaftSettings.from(conf, "metaserver."),
                conf.getInt("metaserver.rpc.threads", 16, 1, 1024),
                new TrashSettings(
                        conf.getLong("metaserver.trash.retentionSec", d.retentionSec(), 0, Long.MAX_VALUE / 1000),
                        conf.getLong("metaserver.trash.scanIntervalMs", d.scanIntervalMs(), 100, 86_400_000),
                        conf.getInt("metaserver.trash.perRound", d.perRound(), 1, 1_000_000)),
                conf.getLong("metaserver.tx.sweepIntervalMs", 5000, 100, 3_600_000),
                conf.getLong("metaserver.recycle.scanIntervalMs", 60_000, 100, 86_400_000),
                new CompactionSettings(
                        conf.getLong("metaserver.compaction.intervalMs", dc.intervalMs(), 100, 86_400_000),
                        conf.getInt("metaserver.compaction.fragmentThreshold", dc.fragmentThreshold(), 1, 1_000_000),
                        conf.getInt("metaserver.compaction.chunksPerRound", dc.chunksPerRound(), 1, 10_000),
                        conf.getLong("metaserver.compaction.deleteGraceSec", dc.deleteGraceMs() / 1000, 0, 86_400 * 365)
                                * 1000),
                conf.getLong("metaserver.lock.scanIntervalMs", 5000, 100, 3_600_000));
        conf.checkNoUnknownKeys();
        return c;
    }

    public String listenIp() {
        return ipOf(listenAddr);
    }

    public int listenPort() {
        return Integer.parseInt(listenAddr.substring(listenAddr.lastIndexOf(':') + 1));
    }

    private static String ipOf(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }
}
