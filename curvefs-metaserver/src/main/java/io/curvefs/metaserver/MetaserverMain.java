package io.curvefs.metaserver;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;
import io.curvefs.common.meta.MetaClients;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.metaserver.compaction.Compactor;
import io.curvefs.metaserver.heartbeat.FsInfoCache;
import io.curvefs.metaserver.heartbeat.HeartbeatSender;
import io.curvefs.metaserver.heartbeat.MdsRegistration;
import io.curvefs.metaserver.heartbeat.MetaserverIdentity;
import io.curvefs.metaserver.heartbeat.RegistrationRefusedException;
import io.curvefs.metaserver.recycle.RecycleCleaner;
import io.curvefs.metaserver.rename.TxSweeper;
import io.curvefs.metaserver.trash.KeptOrphans;
import io.curvefs.metaserver.lock.AbandonedLocks;
import io.curvefs.metaserver.trash.TrashReclaimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;

/**
 * {@code MetaserverMain --conf FILE}: serves the copysets in the data dir, registers with the MDS,
 * heartbeats to it, empties the trash, settles abandoned rename transactions, empties expired recycle-bin hours
 * and compacts fragmented chunks of the partitions it leads until SIGTERM. Exit codes: 2 bad usage or config,
 * 1 refused by the MDS or cannot start.
 */
public final class MetaserverMain {
    private static final Logger LOG = LoggerFactory.getLogger(MetaserverMain.class);

    private MetaserverMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--conf")) {
            System.err.println("usage: MetaserverMain --conf FILE");
            System.exit(2);
        }
        MetaserverConfig config;
        try {
            config = MetaserverConfig.from(Config.load(Path.of(args[1])));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        MetaserverNode node = new MetaserverNode(config);
        CurveRpcClient client = new CurveRpcClient(config.clusterToken());
        // heartbeat and background jobs, stopped newest first before the copysets they work on
        Deque<AutoCloseable> jobs = new ConcurrentLinkedDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            for (AutoCloseable job : jobs) {
                try {
                    job.close();
                } catch (Exception e) {
                    LOG.warn("stopping {} failed", job, e);
                }
            }
            node.close();
            client.close();
            stopped.countDown();
        }, "shutdown"));
        // registered first: a metaserver the MDS refuses (edited token, unknown address) never joins a raft group
        LeaderChannel mds = new LeaderChannel(client, config.mdsAddrs(), RetryPolicy.DEFAULT);
        MetaserverIdentity identity;
        try {
            identity = new MdsRegistration(mds, config).register();
        } catch (RegistrationRefusedException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        try {
            node.start();
        } catch (RuntimeException | Error e) {
            // exit rather than linger with half-started non-daemon threads
            System.err.println("metaserver cannot start on " + config.listenAddr() + ": " + e.getMessage());
            System.exit(1);
        }
        LOG.info("metaserver serving on {} with data in {}", config.listenAddr(), config.dataDir());
        HeartbeatSender sender = new HeartbeatSender(mds, identity, config, node.copysets(), System.currentTimeMillis());
        jobs.push(sender);
        sender.start();
        FsInfoCache fsInfos = new FsInfoCache(mds, RetryPolicy.DEFAULT);
        TrashReclaimer trash = new TrashReclaimer(node.copysets(), fsInfos, config.trash(),
                () -> System.currentTimeMillis() / 1000);
        jobs.push(trash);
        trash.start();
        KeptOrphans kept = new KeptOrphans(node.copysets(), fsInfos::mountSessions, config.trash(),
                () -> System.currentTimeMillis() / 1000);
        jobs.push(kept);
        kept.start();
        AbandonedLocks locks = new AbandonedLocks(node.copysets(), fsInfos::mountSessions, config.lockScanIntervalMs(),
                config.trash().perRound());
        jobs.push(locks);
        locks.start();
        MetaClients metaClients = new MetaClients(client, config.mdsAddrs(), RetryPolicy.DEFAULT);
        TxSweeper txSweeper = new TxSweeper(node.copysets(), metaClients, config.txSweepIntervalMs(),
                System::currentTimeMillis);
        jobs.push(txSweeper);
        txSweeper.start();
        RecycleCleaner recycle = new RecycleCleaner(node.copysets(), fsInfos, metaClients,
                config.recycleScanIntervalMs(), System::currentTimeMillis);
        jobs.push(recycle);
        recycle.start();
        Compactor compaction = new Compactor(node.copysets(), fsInfos, config.compaction(), System::currentTimeMillis);
        jobs.push(compaction);
        compaction.start();
        stopped.await();
    }
}
