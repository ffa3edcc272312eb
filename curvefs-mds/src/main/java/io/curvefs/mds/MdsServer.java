package io.curvefs.mds;

import com.alipay.sofa.jraft.RaftGroupService;
import io.curvefs.common.raft.RaftGroups;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.s3.S3Settings;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.mds.chunk.ChunkIdAllocator;
import io.curvefs.mds.fs.FsDeleter;
import io.curvefs.mds.fs.FsManager;
import io.curvefs.mds.fs.MountManager;
import io.curvefs.mds.heartbeat.HeartbeatHandler;
import io.curvefs.mds.heartbeat.HeartbeatReports;
import io.curvefs.mds.heartbeat.MetaserverLiveness;
import io.curvefs.mds.partition.CopysetDirectory;
import io.curvefs.mds.partition.MetaserverClient;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.partition.PartitionSettings;
import io.curvefs.mds.s3.FsObjectPurger;
import io.curvefs.mds.s3.S3Probe;
import io.curvefs.mds.schedule.LeaderBalancer;
import io.curvefs.mds.service.MdsServices;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStateMachine;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.state.RequestLog;
import io.curvefs.mds.topology.MetaserverRegistry;
import io.curvefs.mds.topology.TopologyCreator;
import io.curvefs.proto.topology.MetaServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One MDS replica: its store, raft node, RPC server and the leader's background tasks. */
public final class MdsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdsServer.class);
    private static final long COMMIT_TIMEOUT_MS = 10_000;
    private static final long COPYSET_LEADER_WAIT_MS = 15_000;
    private static final long SESSION_CHECK_MS = 1_000;
    private static final long DELETE_CHECK_MS = 3_000;
    private static final long REQUEST_LOG_CHECK_MS = 60_000;
    private static final long LEADER_BALANCE_MS = 5_000;
    /** Clients retry a request for well under a minute; answers are kept much longer than that. */
    private static final long REQUEST_LOG_MAX_AGE_MS = 10 * 60_000;

    private final MdsConfig config;
    private final RocksStore rocks;
    private final MdsStateMachine fsm;
    private final CurveRpcServer rpcServer;
    private final CurveRpcClient rpcClient;
    private final ScheduledExecutorService leaderTasks;
    private RaftGroupService raft;

    private MdsServer(MdsConfig config) {
        this.config = config;
        this.rocks = new RocksStore(config.dataDir().resolve("db"));
        this.fsm = new MdsStateMachine(rocks);
        this.rpcServer = new CurveRpcServer(LeaderChannel.parseEndpoint(config.listenAddr()), config.clusterToken(),
                config.rpcThreads());
        this.rpcClient = new CurveRpcClient(config.clusterToken());
        // one thread per task: a slow partition deletion must not delay session expiry
        this.leaderTasks = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "mds-leader-tasks");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a replica; it serves once the group elects it and it has applied earlier terms' entries. */
    public static MdsServer start(MdsConfig config) {
        MdsServer server = new MdsServer(config);
        try {
            server.wireAndStart();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void wireAndStart() {
        MdsStore store = new MdsStore(fsm, COMMIT_TIMEOUT_MS);
        RequestLog requests = new RequestLog(store);
        MetaserverLiveness liveness = new MetaserverLiveness(config.unstableAfterMs(), config.offlineAfterMs());
        HeartbeatReports reports = new HeartbeatReports();
        MetaserverRegistry registry = new MetaserverRegistry(store, requests, liveness);
        CopysetDirectory copysets = new CopysetDirectory(store, reports);
        MetaserverClient metaservers = new MetaserverClient(rpcClient, COPYSET_LEADER_WAIT_MS);
        PartitionManager partitions = new PartitionManager(store, copysets, metaservers, liveness, reports,
                new PartitionSettings(config.idsPerPartition(), config.copysetMinPerFs(), config.copysetMaxPartitions()));
        FsManager filesystems = new FsManager(store, requests, partitions, new S3Probe(Duration.ofSeconds(3)),
                config.partitionsAtCreateFs());
        MountManager mounts = new MountManager(store, requests, filesystems, partitions, config.sessionLeaseMs());
        ChunkIdAllocator chunkIds = new ChunkIdAllocator(store);
        FsDeleter deleter = new FsDeleter(store, partitions, new FsObjectPurger(S3Settings.background()));
        LeaderBalancer balancer = new LeaderBalancer(copysets, liveness, metaservers);

        fsm.setServingListener(new MdsStateMachine.ServingListener() {
            @Override
            public void servingStarted() {
                long now = System.currentTimeMillis();
                liveness.resetAll(store.scan(MdsKeys.METASERVERS, MetaServerInfo.parser()).stream()
                        .map(MetaServerInfo::getMetaserverId).toList(), now);
                reports.clear();
                mounts.servingStarted();
                chunkIds.reset();
            }

            @Override
            public void servingStopped() {
                chunkIds.reset();
            }
        });
        new MdsServices(new MdsServices.Components(fsm, store, new TopologyCreator(store), registry,
                new HeartbeatHandler(store, registry, liveness, reports), liveness, reports, filesystems, mounts,
                partitions, chunkIds), config.listenAddr(), config.peers()).registerOn(rpcServer);
        rpcServer.start();
        raft = RaftGroups.start("mds", config.listenAddr(), config.peers(), config.dataDir().resolve("raft"), fsm,
                rpcServer.raftServer(), config.raft());
        leaderTasks.scheduleWithFixedDelay(() -> onLeader("session expiry", mounts::expireSessions),
                SESSION_CHECK_MS, SESSION_CHECK_MS, TimeUnit.MILLISECONDS);
        leaderTasks.scheduleWithFixedDelay(() -> onLeader("fs deletion", deleter::runOnce),
                DELETE_CHECK_MS, DELETE_CHECK_MS, TimeUnit.MILLISECONDS);
        leaderTasks.scheduleWithFixedDelay(() -> onLeader("leader balance", balancer::runOnce),
                LEADER_BALANCE_MS, LEADER_BALANCE_MS, TimeUnit.MILLISECONDS);
        leaderTasks.scheduleWithFixedDelay(() -> onLeader("request log expiry", () -> requests.expire(REQUEST_LOG_MAX_AGE_MS)),
                REQUEST_LOG_CHECK_MS, REQUEST_LOG_CHECK_MS, TimeUnit.MILLISECONDS);
        LOG.info("MDS replica {} started (peers {}, data {})", config.listenAddr(), config.peers(), config.dataDir());
    }

    private void onLeader(String what, Runnable task) {
        if (!fsm.isReady()) {
            return;
        }
        try {
            task.run();
        } catch (RpcException e) {
            LOG.warn("{}: {}", what, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", what, e);
        }
    }

    public MdsStateMachine stateMachine() {
        return fsm;
    }

    public String address() {
        return config.listenAddr();
    }

    @Override
    public void close() {
        leaderTasks.shutdownNow();
        if (raft != null) {
            raft.shutdown();
            try {
                raft.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rpcServer.close();
        rpcClient.close();
        rocks.close();
        LOG.info("MDS replica {} stopped", config.listenAddr());
    }
}
