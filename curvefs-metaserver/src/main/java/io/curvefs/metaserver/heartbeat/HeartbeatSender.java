package io.curvefs.metaserver.heartbeat;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.MetaserverConfig;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.heartbeat.CopysetReport;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reports this metaserver to the MDS every interval: identity, address, the copysets it hosts (with
 * partition counters from the leaders only, so each partition is reported once) and disk space.
 * Runs with a fixed delay, so a slow MDS slows the cadence instead of piling up requests.
 */
public final class HeartbeatSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    private final LeaderChannel mds;
    private final MetaserverIdentity identity;
    private final MetaserverConfig config;
    private final CopysetManager copysets;
    private final long startTimeMs;
    private final RetryPolicy policy;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });

    public HeartbeatSender(LeaderChannel mds, MetaserverIdentity identity, MetaserverConfig config,
                           CopysetManager copysets, long startTimeMs) {
        this.mds = mds;
        this.identity = identity;
        this.config = config;
        this.copysets = copysets;
        this.startTimeMs = startTimeMs;
        // a heartbeat not delivered within one interval is replaced by the next one
        this.policy = RetryPolicy.DEFAULT.withDeadline(Math.max(500, config.heartbeatIntervalMs()));
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::beat, 0, config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            MetaServerHeartbeatResponse response = mds.call(report(), policy);
            StatusCode code = response.getStatus().getCode();
            if (code == StatusCode.TOKEN_MISMATCH) {
                LOG.error("MDS refused the heartbeat: token mismatch for metaserver {} ({})",
                        identity.metaserverId(), response.getStatus().getMessage());
            } else if (code != StatusCode.OK) {
                LOG.warn("heartbeat answered {} {}", code, response.getStatus().getMessage());
            }
        } catch (RpcException e) {
            LOG.warn("heartbeat not delivered: {}", e.getMessage());
        } catch (RuntimeException e) {
            // the timer must keep running whatever one round ran into
            LOG.error("heartbeat round failed", e);
        }
    }

    private MetaServerHeartbeatRequest report() {
        MetaServerHeartbeatRequest.Builder b = MetaServerHeartbeatRequest.newBuilder()
                .setMetaserverId(identity.metaserverId()).setToken(identity.token())
                .setIp(config.listenIp()).setPort(config.listenPort()).setStartTimeMs(startTimeMs);
        for (CopysetNode copyset : copysets.all()) {
            CopysetStatus s = copyset.status(false);
            boolean leader = copyset.stateMachine().isServing();
            CopysetReport.Builder r = CopysetReport.newBuilder().setPoolId(s.getPoolId())
                    .setCopysetId(s.getCopysetId()).setIsLeader(leader).setLeader(s.getLeader())
                    .addAllPeers(s.getPeersList()).setTerm(s.getTerm()).setAppliedIndex(s.getAppliedIndex());
            if (leader) {
                r.addAllPartitions(s.getPartitionsList());
            }
            b.addCopysets(r);
        }
        try {
            FileStore disk = Files.getFileStore(config.dataDir());
            b.setDiskCapacity(disk.getTotalSpace()).setDiskUsed(disk.getTotalSpace() - disk.getUsableSpace());
        } catch (IOException e) {
            LOG.warn("cannot read disk space of {}: {}", config.dataDir(), e.getMessage());
        }
        return b.build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
