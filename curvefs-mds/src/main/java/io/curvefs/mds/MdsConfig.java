package io.curvefs.mds;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;
import io.curvefs.common.raft.RaftSettings;

import java.nio.file.Path;
import java.util.List;

/** Everything an MDS replica reads from its config file, validated at startup. */
public record MdsConfig(String clusterToken, String listenAddr, List<String> peers, Path dataDir, RaftSettings raft,
                        long unstableAfterMs, long offlineAfterMs, long sessionLeaseMs, long idsPerPartition,
                        int partitionsAtCreateFs, int copysetMinPerFs, int copysetMaxPartitions, int rpcThreads) {

    /** Reads every key and refuses unknown ones (most likely typos). */
    public static MdsConfig from(Config conf) {
        MdsConfig c = new MdsConfig(
                conf.getString("cluster.token"),
                conf.getAddress("mds.listen.addr"),
                conf.getAddressList("mds.peers"),
                conf.getPath("mds.data.dir"),
                RaftSettings.from(conf, "mds."),
                conf.getLong("mds.heartbeat.unstableAfterMs", 10_000, 100, 86_400_000),
                conf.getLong("mds.heartbeat.offlineAfterMs", 60_000, 100, 86_400_000),
                conf.getLong("mds.session.leaseMs", 20_000, 100, 86_400_000),
                conf.getLong("mds.partition.idsPerPartition", 1L << 20, 16, 1L << 40),
                conf.getInt("mds.partition.countAtCreateFs", 12, 1, 1024),
                conf.getInt("mds.copyset.minPerFs", 3, 1, 1024),
                conf.getInt("mds.copyset.maxPartitions", 128, 1, 1_000_000),
                conf.getInt("mds.rpc.threads", 16, 2, 1024));
        conf.checkNoUnknownKeys();
        if (!c.peers.contains(c.listenAddr)) {
            throw new ConfigException(conf.source() + ": mds.listen.addr " + c.listenAddr + " is not one of mds.peers "
                    + c.peers);
        }
        if (c.offlineAfterMs <= c.unstableAfterMs) {
            throw new ConfigException(conf.source() + ": mds.heartbeat.offlineAfterMs must exceed unstableAfterMs");
        }
        return c;
    }
}
