package io.curvefs.metaserver;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.metaserver.compaction.Compactor;
import io.curvefs.metaserver.heartbeat.FsInfoCache;
import io.curvefs.metaserver.heartbeat.HeartbeatSender;
import io.curvefs.metaserver.heartbeat.MdsRegistration;
import io.curvefs.metaserver.heartbeat.MetaserverIdentity;
import io.curvefs.metaserver.heartbeat.RegistrationRefusedException;
import io.curvefs.metaserver.trash.TrashReclaimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code MetaserverMain --conf FILE}: serves the copysets in the data dir, registers with the MDS,
 * heartbeats to it, empties the trash of the partitions it leads and compacts their fragmented chunks until
 * SIGTERM. Exit codes: 2 bad usage or config, 1 refused by the MDS or cannot start.
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
        AtomicReference<HeartbeatSender> heartbeat = new AtomicReference<>();
        AtomicReference<TrashReclaimer> reclaimer = new AtomicReference<>();
        AtomicReference<Compactor> compactor = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            HeartbeatSender sender = heartbeat.get();
            if (sender != null) {
                sender.close();
            }
            TrashReclaimer trash = reclaimer.get();
            if (trash != null) {
                trash.close();
            }
            Compactor compaction = compactor.get();
            if (compaction != null) {
                compaction.close();
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
        heartbeat.set(sender);
        sender.start();
        FsInfoCache fsInfos = new FsInfoCache(mds, RetryPolicy.DEFAULT);
        TrashReclaimer trash = new TrashReclaimer(node.copysets(), fsInfos, config.trash(),
                () -> System.currentTimeMillis() / 1000);
        reclaimer.set(trash);
        trash.start();
        Compactor compaction = new Compactor(node.copysets(), fsInfos, config.compaction(), System::currentTimeMillis);
        compactor.set(compaction);
        compaction.start();
        stopped.await();
    }
}
