package io.curvefs.mds;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.proto.common.FsType;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import io.curvefs.proto.mds.AllocateChunkIdRequest;
import io.curvefs.proto.mds.AllocateChunkIdResponse;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.CreateFsResponse;
import io.curvefs.proto.mds.DeleteFsRequest;
import io.curvefs.proto.mds.DeleteFsResponse;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.GetMdsStatusRequest;
import io.curvefs.proto.mds.GetMdsStatusResponse;
import io.curvefs.proto.mds.ListFsRequest;
import io.curvefs.proto.mds.ListFsResponse;
import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.CreateTopologyResponse;
import io.curvefs.proto.topology.ListTopologyRequest;
import io.curvefs.proto.topology.ListTopologyResponse;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.OnlineState;
import io.curvefs.proto.topology.PoolInfo;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three MDS replicas in one JVM: leader-only serving, topology, registration, validation, failover. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MdsReplicatedTest {
    MdsTestCluster cluster;
    LeaderChannel mds;
    /** Addresses of the topology's servers; nothing listens there (registration needs no live metaserver). */
    List<String> serverAddresses;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        cluster = MdsTestCluster.start(3, dir, Map.of());
        cluster.awaitServing(20_000);
        mds = cluster.channel();
        serverAddresses = List.of("127.0.0.1:" + MdsTestCluster.freePort(), "127.0.0.1:" + MdsTestCluster.freePort(),
                "127.0.0.1:" + MdsTestCluster.freePort());
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void followerAnswersNotLeaderWithTheLeadersAddress() throws Exception {
        MdsServer leader = cluster.awaitServing(10_000);
        MdsServer follower = cluster.replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
        // a follower learns the leader from its first heartbeat
        long deadline = System.currentTimeMillis() + 5_000;
        while (follower.stateMachine().leaderAddress().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        ListFsResponse refused = cluster.client.<ListFsResponse>invoke(LeaderChannel.parseEndpoint(follower.address()),
                ListFsRequest.getDefaultInstance(), 3_000).get(5, TimeUnit.SECONDS);
        assertEquals(StatusCode.NOT_LEADER, refused.getStatus().getCode());
        assertEquals(leader.address(), refused.getStatus().getLeader());

        GetMdsStatusResponse status = cluster.client.<GetMdsStatusResponse>invoke(
                LeaderChannel.parseEndpoint(follower.address()), GetMdsStatusRequest.getDefaultInstance(), 3_000)
                .get(5, TimeUnit.SECONDS);
        assertFalse(status.getIsLeader());
        assertEquals(leader.address(), status.getLeader());
        assertEquals(3, status.getPeersCount());

        ListFsResponse listed = mds.call(ListFsRequest.getDefaultInstance());
        assertEquals(StatusCode.OK, listed.getStatus().getCode());
        assertEquals(leader.address(), mds.leaderHint().toString());
    }

    @Test
    @Order(2)
    void topologyCreateIsIdempotentAndRefusesContradictions() {
        CreateTopologyRequest topology = Topologies.threeZones(serverAddresses);
        CreateTopologyResponse first = mds.call(topology);
        assertEquals(StatusCode.OK, first.getStatus().getCode(), first.getStatus().getMessage());
        assertEquals(1, first.getPoolsCreated());
        assertEquals(3, first.getZonesCreated());
        assertEquals(3, first.getServersCreated());

        CreateTopologyResponse again = mds.call(topology);
        assertEquals(StatusCode.OK, again.getStatus().getCode());
        assertEquals(0, again.getPoolsCreated() + again.getZonesCreated() + again.getServersCreated());

        CreateTopologyResponse moved = mds.call(topology.toBuilder()
                .setServers(0, Topologies.server("server0", serverAddresses.get(0), "zone2")).build());
        assertEquals(StatusCode.TOPOLOGY_INVALID, moved.getStatus().getCode());
        assertTrue(moved.getStatus().getMessage().contains("server0"), moved.getStatus().getMessage());

        CreateTopologyResponse unknownPool = mds.call(CreateTopologyRequest.newBuilder()
                .addServers(Topologies.server("server9", "127.0.0.1:1", "zone1").toBuilder().setPool("nopool")).build());
        assertEquals(StatusCode.TOPOLOGY_INVALID, unknownPool.getStatus().getCode());
        assertTrue(unknownPool.getStatus().getMessage().contains("nopool"), unknownPool.getStatus().getMessage());

        CreateTopologyResponse badPool = mds.call(CreateTopologyRequest.newBuilder()
                .addPools(PoolInfo.newBuilder().setName("pool2").setReplicaNum(2).setZoneNum(2)).build());
        assertEquals(StatusCode.TOPOLOGY_INVALID, badPool.getStatus().getCode());
        assertTrue(badPool.getStatus().getMessage().contains("pool2"), badPool.getStatus().getMessage());

        ListTopologyResponse listed = mds.call(ListTopologyRequest.getDefaultInstance());
        assertEquals(1, listed.getPoolsCount());
        assertEquals(3, listed.getZonesCount());
        assertEquals(3, listed.getServersCount());
    }

    @Test
    @Order(3)
    void metaserverRegistrationAndHeartbeatsCheckIdentity() {
        String address = serverAddresses.get(0);
        String[] hp = address.split(":");
        RegisterMetaServerRequest fresh = RegisterMetaServerRequest.newBuilder().setHostname("ms0")
                .setInternalIp(hp[0]).setInternalPort(Integer.parseInt(hp[1])).build();

        RegisterMetaServerResponse stranger = mds.call(fresh.toBuilder().setInternalPort(1).build());
        assertEquals(StatusCode.METASERVER_NOT_REGISTERED, stranger.getStatus().getCode());
        assertTrue(stranger.getStatus().getMessage().contains("127.0.0.1:1"));

        RegisterMetaServerResponse registered = mds.call(fresh);
        assertEquals(StatusCode.OK, registered.getStatus().getCode(), registered.getStatus().getMessage());
        assertTrue(registered.getMetaserverId() > 0);
        assertEquals(32, registered.getToken().length());

        RegisterMetaServerResponse twice = mds.call(fresh);
        assertEquals(StatusCode.ALREADY_EXISTS, twice.getStatus().getCode());
        assertTrue(twice.getStatus().getMessage().contains("data dir"), twice.getStatus().getMessage());

        RegisterMetaServerResponse returning = mds.call(fresh.toBuilder()
                .setMetaserverId(registered.getMetaserverId()).setToken(registered.getToken()).build());
        assertEquals(StatusCode.OK, returning.getStatus().getCode());
        assertEquals(registered.getMetaserverId(), returning.getMetaserverId());

        RegisterMetaServerResponse impostor = mds.call(fresh.toBuilder()
                .setMetaserverId(registered.getMetaserverId()).setToken("0".repeat(32)).build());
        assertEquals(StatusCode.TOKEN_MISMATCH, impostor.getStatus().getCode());

        MetaServerHeartbeatRequest beat = MetaServerHeartbeatRequest.newBuilder()
                .setMetaserverId(registered.getMetaserverId()).setToken(registered.getToken())
                .setIp(hp[0]).setPort(Integer.parseInt(hp[1])).setDiskUsed(5).setDiskCapacity(100).build();
        MetaServerHeartbeatResponse ok = mds.call(beat);
        assertEquals(StatusCode.OK, ok.getStatus().getCode(), ok.getStatus().getMessage());
        MetaServerHeartbeatResponse wrongToken = mds.call(beat.toBuilder().setToken("f".repeat(32)).build());
        assertEquals(StatusCode.TOKEN_MISMATCH, wrongToken.getStatus().getCode());
        MetaServerHeartbeatResponse wrongId = mds.call(beat.toBuilder().setMetaserverId(999).build());
        assertEquals(StatusCode.METASERVER_NOT_REGISTERED, wrongId.getStatus().getCode());

        ListTopologyResponse listed = mds.call(ListTopologyRequest.getDefaultInstance());
        MetaServerInfo ms = listed.getMetaservers(0);
        assertEquals("", ms.getToken());
        assertEquals(OnlineState.ONLINE, ms.getState());
        assertEquals(100, ms.getDiskCapacity());
    }

    @Test
    @Order(4)
    void createFsRefusesBadInputWithClearStatuses() throws Exception {
        S3Info deadS3 = S3Info.newBuilder().setEndpoint("http://127.0.0.1:" + MdsTestCluster.freePort())
                .setBucket("bucket").setAk("ak").setSk("sk-secret").build();
        CreateFsRequest good = CreateFsRequest.newBuilder().setFsName("fs1").setFsType(FsType.TYPE_S3)
                .setS3Info(deadS3).build();
        for (String bad : List.of("Upper", "under_score", "a--b", "-a", "", "x".repeat(65))) {
            CreateFsResponse r = mds.call(good.toBuilder().setFsName(bad).build());
            assertEquals(StatusCode.FSNAME_INVALID, r.getStatus().getCode(), "name '" + bad + "'");
        }
        CreateFsResponse noSk = mds.call(good.toBuilder().setS3Info(deadS3.toBuilder().clearSk()).build());
        assertEquals(StatusCode.INVALID_ARGUMENT, noSk.getStatus().getCode());
        assertTrue(noSk.getStatus().getMessage().contains("sk"), noSk.getStatus().getMessage());
        CreateFsResponse noS3 = mds.call(good.toBuilder().clearS3Info().build());
        assertEquals(StatusCode.INVALID_ARGUMENT, noS3.getStatus().getCode());

        long start = System.nanoTime();
        CreateFsResponse deadEndpoint = mds.call(good);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(StatusCode.S3_INFO_ERROR, deadEndpoint.getStatus().getCode());
        assertFalse(deadEndpoint.getStatus().getMessage().contains("sk-secret"));
        assertTrue(tookMs < 10_000, "probe took " + tookMs + " ms");

        GetFsInfoResponse unknown = mds.call(GetFsInfoRequest.newBuilder().setFsName("fs1").build());
        assertEquals(StatusCode.NOT_FOUND, unknown.getStatus().getCode());
        DeleteFsResponse deleteUnknown = mds.call(DeleteFsRequest.newBuilder().setFsName("nofs").build());
        assertEquals(StatusCode.NOT_FOUND, deleteUnknown.getStatus().getCode());
    }

    @Test
    @Order(5)
    void chunkIdsIncreaseAndNeverRepeatAcrossALeaderChange() throws Exception {
        long end = 0;
        for (int count : new int[] {1, 5_000, 20_000, 7}) {
            AllocateChunkIdResponse r = mds.call(AllocateChunkIdRequest.newBuilder().setFsId(1).setCount(count).build());
            assertEquals(StatusCode.OK, r.getStatus().getCode());
            assertTrue(r.getBeginChunkId() >= end && r.getBeginChunkId() > 0, "begin " + r.getBeginChunkId());
            end = r.getBeginChunkId() + count;
        }
        AllocateChunkIdResponse tooMany = mds.call(AllocateChunkIdRequest.newBuilder().setCount(100_001).build());
        assertEquals(StatusCode.INVALID_ARGUMENT, tooMany.getStatus().getCode());

        MdsServer oldLeader = cluster.awaitServing(5_000);
        cluster.stop(oldLeader);
        long stoppedAt = System.nanoTime();
        MdsServer newLeader = cluster.awaitServing(10_000);
        assertNotEquals(oldLeader.address(), newLeader.address());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt) < 10_000);

        AllocateChunkIdResponse after = mds.call(AllocateChunkIdRequest.newBuilder().setCount(3).build());
        assertEquals(StatusCode.OK, after.getStatus().getCode());
        assertTrue(after.getBeginChunkId() >= end, after.getBeginChunkId() + " < " + end);

        // what the old leader committed is all there
        ListTopologyResponse listed = mds.call(ListTopologyRequest.getDefaultInstance());
        assertEquals(3, listed.getServersCount());
        assertEquals(1, listed.getMetaserversCount());
        assertEquals(OnlineState.ONLINE, listed.getMetaservers(0).getState());
        GetMdsStatusResponse status = cluster.client.<GetMdsStatusResponse>invoke(
                new Endpoint("127.0.0.1", Integer.parseInt(newLeader.address().split(":")[1])),
                GetMdsStatusRequest.getDefaultInstance(), 3_000).get(5, TimeUnit.SECONDS);
        assertTrue(status.getIsLeader() && status.getServing());
    }
}
