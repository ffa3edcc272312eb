package io.curvefs.metaserver;

import io.curvefs.common.raft.RaftSettings;
import io.curvefs.metaserver.compaction.CompactionSettings;
import io.curvefs.metaserver.trash.TrashSettings;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.heartbeat.HeartbeatSender;
import io.curvefs.metaserver.heartbeat.MdsRegistration;
import io.curvefs.metaserver.heartbeat.MetaserverIdentity;
import io.curvefs.metaserver.heartbeat.RegistrationRefusedException;
import io.curvefs.metaserver.copyset.CopysetId;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.heartbeat.CopysetReport;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration and heartbeats against a stand-in MDS that records what it receives. */
class MdsLinkTest {
    private static final String TOKEN = TestCluster.TOKEN;

    private static MetaserverConfig config(Path dir, int port, int mdsPort) {
        return new MetaserverConfig(TOKEN, "127.0.0.1:" + port, "host-a", List.of("127.0.0.1:" + mdsPort),
                dir, 200, new RaftSettings(1000, 3600, false), 4, TrashSettings.defaults(), 5000, 60_000,
                CompactionSettings.defaults(), 5000);
    }

    private static RegisterMetaServerResponse accepted(int id, String token) {
        return RegisterMetaServerResponse.newBuilder().setStatus(Statuses.OK).setMetaserverId(id).setToken(token).build();
    }

    @Test
    void registrationWaitsForTheMdsPersistsAndPresentsTheIdentity(@TempDir Path dir) throws Exception {
        int mdsPort = TestCluster.freePort();
        MetaserverConfig conf = config(dir, TestCluster.freePort(), mdsPort);
        try (CurveRpcClient client = new CurveRpcClient(TOKEN)) {
            LeaderChannel mds = new LeaderChannel(client, conf.mdsAddrs(), RetryPolicy.DEFAULT);
            // the MDS comes up only after the metaserver started registering
            CompletableFuture<MetaserverIdentity> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return new MdsRegistration(mds, conf).register();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            try (FakeMds fake = new FakeMds(mdsPort)) {
                fake.registerReply.set(accepted(5, "issued"));
                assertEquals(new MetaserverIdentity(5, "issued"), first.get(30, TimeUnit.SECONDS));
                RegisterMetaServerRequest seen = fake.registrations.poll(1, TimeUnit.SECONDS);
                assertNotNull(seen);
                assertEquals(0, seen.getMetaserverId(), "a new metaserver presents no id");
                assertEquals("127.0.0.1", seen.getInternalIp());
                assertEquals(conf.listenPort(), seen.getInternalPort());
                assertEquals("host-a", seen.getHostname());
                assertEquals(new MetaserverIdentity(5, "issued"), MetaserverIdentity.load(dir).orElseThrow());

                // a restart presents what was persisted
                fake.registrations.clear();
                new MdsRegistration(mds, conf).register();
                RegisterMetaServerRequest again = fake.registrations.poll(1, TimeUnit.SECONDS);
                assertEquals(5, again.getMetaserverId());
                assertEquals("issued", again.getToken());

                fake.registerReply.set(RegisterMetaServerResponse.newBuilder()
                        .setStatus(Statuses.of(StatusCode.TOKEN_MISMATCH, "wrong token")).build());
                RegistrationRefusedException refused = assertThrows(RegistrationRefusedException.class,
                        () -> new MdsRegistration(mds, conf).register());
                assertTrue(refused.getMessage().contains("TOKEN_MISMATCH"), refused.getMessage());
            }
        }
    }

    @Test
    void heartbeatsReportCopysetsAndLeaderPartitionsAndSurviveTokenMismatch(@TempDir Path dir) throws Exception {
        int mdsPort = TestCluster.freePort();
        MetaserverConfig conf = config(dir.resolve("ms"), TestCluster.freePort(), mdsPort);
        try (FakeMds fake = new FakeMds(mdsPort); MetaserverNode node = new MetaserverNode(conf);
             CurveRpcClient client = new CurveRpcClient(TOKEN)) {
            node.start();
            // a one-replica copyset elects itself
            node.copysets().create(new CopysetId(1, 9), List.of(conf.listenAddr()));
            LeaderChannel self = new LeaderChannel(client, List.of(conf.listenAddr()), TestCluster.POLICY);
            CreatePartitionResponse created = self.call(CreatePartitionRequest.newBuilder().setPartition(
                    PartitionInfo.newBuilder().setFsId(1).setPoolId(1).setCopysetId(9).setPartitionId(4)
                            .setStart(0).setEnd(999)).build());
            Statuses.requireOk(created);

            fake.heartbeatCode.set(StatusCode.TOKEN_MISMATCH);
            LeaderChannel mds = new LeaderChannel(client, conf.mdsAddrs(), RetryPolicy.DEFAULT);
            try (HeartbeatSender sender = new HeartbeatSender(mds, new MetaserverIdentity(3, "t"), conf,
                    node.copysets(), 1234)) {
                sender.start();
                MetaServerHeartbeatRequest first = fake.heartbeats.poll(10, TimeUnit.SECONDS);
                assertNotNull(first);
                // refused heartbeats do not stop the sender
                MetaServerHeartbeatRequest report = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    MetaServerHeartbeatRequest r = fake.heartbeats.poll(1, TimeUnit.SECONDS);
                    if (r != null && r.getCopysets(0).getPartitionsCount() == 1) {
                        report = r;
                        break;
                    }
                }
                assertNotNull(report, "a heartbeat with the leader's partition");
                assertEquals(3, report.getMetaserverId());
                assertEquals("t", report.getToken());
                assertEquals(1234, report.getStartTimeMs());
                assertEquals(conf.listenPort(), report.getPort());
                assertTrue(report.getDiskCapacity() > 0);
                CopysetReport cs = report.getCopysets(0);
                assertTrue(cs.getIsLeader());
                assertEquals(conf.listenAddr(), cs.getLeader());
                assertEquals(List.of(conf.listenAddr()), cs.getPeersList());
                assertEquals(4, cs.getPartitions(0).getPartitionId());
                assertEquals(3, cs.getPartitions(0).getNextId());
            }
        }
    }
}
