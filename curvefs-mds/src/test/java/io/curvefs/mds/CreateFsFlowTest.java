package io.curvefs.mds;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.proto.common.FsType;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.heartbeat.CopysetReport;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatRequest;
import io.curvefs.proto.heartbeat.MetaServerHeartbeatResponse;
import io.curvefs.proto.mds.AllocateChunkIdRequest;
import io.curvefs.proto.mds.AllocateChunkIdResponse;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.CreateFsResponse;
import io.curvefs.proto.mds.CreatePartitionRequest;
import io.curvefs.proto.mds.CreatePartitionResponse;
import io.curvefs.proto.mds.DeleteFsRequest;
import io.curvefs.proto.mds.DeleteFsResponse;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.FsStatus;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.GetFsInfoResponse;
import io.curvefs.proto.mds.ListFsRequest;
import io.curvefs.proto.mds.ListFsResponse;
import io.curvefs.proto.mds.ListPartitionRequest;
import io.curvefs.proto.mds.ListPartitionResponse;
import io.curvefs.proto.mds.MountFsRequest;
import io.curvefs.proto.mds.MountFsResponse;
import io.curvefs.proto.mds.Mountpoint;
import io.curvefs.proto.mds.RefreshSessionRequest;
import io.curvefs.proto.mds.RefreshSessionResponse;
import io.curvefs.proto.mds.UmountFsRequest;
import io.curvefs.proto.mds.UmountFsResponse;
import io.curvefs.proto.topology.CreateTopologyResponse;
import io.curvefs.proto.topology.RegisterMetaServerRequest;
import io.curvefs.proto.topology.RegisterMetaServerResponse;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole fs lifecycle on one MDS replica, with an in-JVM S3 server for the probe and stand-in
 * metaservers: placement, partitions, root inode, idempotent repeat, mounts and leases, deletion.
 */
class CreateFsFlowTest {
    static final long IDS_PER_PARTITION = 1000;

    @Test
    void fsLifecycle(@TempDir Path dir) throws Exception {
        S3Proxy s3 = S3Proxy.builder().blobStore(BlobStores.create("transient-nio2", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        s3.start();
        try (FakeMetaservers metaservers = FakeMetaservers.start(3);
             MdsTestCluster cluster = MdsTestCluster.start(1, dir, Map.of(
                     "mds.session.leaseMs", "1500",
                     "mds.copyset.maxPartitions", "8",
                     "mds.partition.idsPerPartition", String.valueOf(IDS_PER_PARTITION)))) {
            awaitTrue(() -> "STARTED".equals(s3.getState()), 10_000, "s3proxy start");
            cluster.awaitServing(20_000);
            LeaderChannel mds = cluster.channel();
            List<RegisterMetaServerResponse> identities = joinMetaservers(mds, metaservers);

            S3Info s3Info = S3Info.newBuilder().setEndpoint("http://127.0.0.1:" + s3.getPort())
                    .setBucket("curvefs").setAk("access").setSk("secret").build();
            CreateFsRequest create = CreateFsRequest.newBuilder().setFsName("fs1").setFsType(FsType.TYPE_S3)
                    .setS3Info(s3Info).build();
            CreateFsResponse wrongKey = mds.call(create.toBuilder().setS3Info(s3Info.toBuilder().setSk("wrong-sk")).build());
            assertEquals(StatusCode.S3_INFO_ERROR, wrongKey.getStatus().getCode());
            assertTrue(!wrongKey.getStatus().getMessage().contains("wrong-sk"), wrongKey.getStatus().getMessage());
            assertEquals(StatusCode.NOT_FOUND, mds.<GetFsInfoResponse>call(GetFsInfoRequest.newBuilder()
                    .setFsName("fs1").build()).getStatus().getCode(), "a failed probe creates nothing");

            CreateFsResponse created = mds.call(create);
            assertEquals(StatusCode.OK, created.getStatus().getCode(), created.getStatus().getMessage());
            FsInfo fs1 = created.getFsInfo();
            assertEquals(FsStatus.INITED, fs1.getStatus());
            assertEquals(4096, fs1.getBlockSize());
            assertEquals(4L << 20, fs1.getS3Info().getBlockSize());

            // 3 copysets (minPerFs) of 3 members in 3 zones, 12 partitions spread 4/4/4, contiguous ranges
            assertEquals(9, metaservers.copysetCreations.size());
            ListPartitionResponse listed = mds.call(ListPartitionRequest.newBuilder().setFsId(fs1.getFsId()).build());
            assertEquals(12, listed.getPartitionsCount());
            assertEquals(3, listed.getCopysetsCount());
            listed.getCopysetsList().forEach(c -> {
                assertEquals(4, c.getPartitionCount());
                assertEquals(3, c.getPeersCount());
            });
            List<PartitionInfo> byStart = listed.getPartitionsList().stream()
                    .sorted(Comparator.comparingLong(PartitionInfo::getStart)).toList();
            for (int k = 0; k < byStart.size(); k++) {
                assertEquals(k * IDS_PER_PARTITION, byStart.get(k).getStart());
                assertEquals((k + 1) * IDS_PER_PARTITION - 1, byStart.get(k).getEnd());
            }
            assertEquals(12, metaservers.partitions.size());
            assertEquals(1, metaservers.rootInodes.size());
            assertEquals(0040000 | 01777, metaservers.rootInodes.get(0).getMode());
            assertEquals(byStart.get(0).getPartitionId(), metaservers.rootInodes.get(0).getPartition().getPartitionId());

            CreateFsResponse repeat = mds.call(create);
            assertEquals(StatusCode.OK, repeat.getStatus().getCode());
            assertEquals(fs1.getFsId(), repeat.getFsInfo().getFsId());
            CreateFsResponse conflicting = mds.call(create.toBuilder().setBlockSize(8192).build());
            assertEquals(StatusCode.FS_EXIST, conflicting.getStatus().getCode());

            // a second fs reuses the copysets that have room
            CreateFsResponse fs2 = mds.call(create.toBuilder().setFsName("fs2").build());
            assertEquals(StatusCode.OK, fs2.getStatus().getCode(), fs2.getStatus().getMessage());
            assertEquals(9, metaservers.copysetCreations.size());

            CreatePartitionResponse more = mds.call(CreatePartitionRequest.newBuilder().setFsId(fs1.getFsId())
                    .setCount(2).build());
            assertEquals(StatusCode.OK, more.getStatus().getCode(), more.getStatus().getMessage());
            assertEquals(12 * IDS_PER_PARTITION, more.getPartitions(0).getStart());
            assertEquals(13 * IDS_PER_PARTITION, more.getPartitions(1).getStart());
            // the three copysets hold 8 partitions each, the maximum: a fourth copyset takes the new ones
            assertEquals(12, metaservers.copysetCreations.size());
            assertEquals(more.getPartitions(0).getCopysetId(), more.getPartitions(1).getCopysetId());
            assertEquals(4, more.getPartitions(0).getCopysetId());

            AllocateChunkIdResponse chunks = mds.call(AllocateChunkIdRequest.newBuilder().setCount(10).build());
            assertEquals(StatusCode.OK, chunks.getStatus().getCode());

            ListFsResponse all = mds.call(ListFsRequest.getDefaultInstance());
            assertEquals(2, all.getFsInfosCount());
            all.getFsInfosList().forEach(f -> assertTrue(!f.getS3Info().getSk().equals("secret"), "sk masked"));
            GetFsInfoResponse info = mds.call(GetFsInfoRequest.newBuilder().setFsName("fs1").build());
            assertEquals("secret", info.getFsInfo().getS3Info().getSk());

            checkReadonlyReport(mds, metaservers, identities.get(0), byStart.get(0));
            checkMountsAndLeases(mds);
            checkRetriedMountGetsTheFirstAnswer(cluster);
            checkDeletion(mds, metaservers, fs1);

            // everything acknowledged survives a restart from the data dir
            cluster.restart(0);
            cluster.awaitServing(20_000);
            GetFsInfoResponse afterRestart = mds.call(GetFsInfoRequest.newBuilder().setFsName("fs2").build());
            assertEquals(StatusCode.OK, afterRestart.getStatus().getCode(), afterRestart.getStatus().getMessage());
            assertEquals(FsStatus.INITED, afterRestart.getFsInfo().getStatus());
            ListPartitionResponse fs2Partitions = mds.call(ListPartitionRequest.newBuilder()
                    .setFsId(afterRestart.getFsInfo().getFsId()).build());
            assertEquals(12, fs2Partitions.getPartitionsCount());
            AllocateChunkIdResponse chunksAfter = mds.call(AllocateChunkIdRequest.newBuilder().setCount(1).build());
            assertTrue(chunksAfter.getBeginChunkId() >= chunks.getBeginChunkId() + 10);
        } finally {
            s3.stop();
        }
    }

    private static List<RegisterMetaServerResponse> joinMetaservers(LeaderChannel mds, FakeMetaservers metaservers) {
        List<RegisterMetaServerResponse> identities = new ArrayList<>();
        CreateTopologyResponse topology = mds.call(Topologies.threeZones(metaservers.addresses));
        assertEquals(StatusCode.OK, topology.getStatus().getCode(), topology.getStatus().getMessage());
        for (String address : metaservers.addresses) {
            String[] hp = address.split(":");
            RegisterMetaServerResponse r = mds.call(RegisterMetaServerRequest.newBuilder()
                    .setInternalIp(hp[0]).setInternalPort(Integer.parseInt(hp[1])).build());
            assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
            assertEquals(StatusCode.OK, mds.<MetaServerHeartbeatResponse>call(
                    MetaServerHeartbeatRequest.newBuilder().setMetaserverId(r.getMetaserverId())
                            .setToken(r.getToken()).setIp(hp[0]).setPort(Integer.parseInt(hp[1])).build())
                    .getStatus().getCode());
            identities.add(r);
        }
        return identities;
    }

    /** A copyset leader reports a full partition: it becomes READONLY in the MDS, with the reported counters. */
    private static void checkReadonlyReport(LeaderChannel mds, FakeMetaservers metaservers,
                                            RegisterMetaServerResponse leader, PartitionInfo partition) {
        String[] hp = metaservers.addresses.get(0).split(":");
        PartitionInfo full = partition.toBuilder().setStatus(PartitionStatus.READONLY).setInodeCount(42)
                .setBytes(4096).build();
        MetaServerHeartbeatResponse r = mds.call(MetaServerHeartbeatRequest.newBuilder()
                .setMetaserverId(leader.getMetaserverId()).setToken(leader.getToken()).setIp(hp[0])
                .setPort(Integer.parseInt(hp[1])).addCopysets(CopysetReport.newBuilder().setPoolId(partition.getPoolId())
                        .setCopysetId(partition.getCopysetId()).setIsLeader(true).setLeader(metaservers.addresses.get(0))
                        .setTerm(1).addPartitions(full)).build());
        assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
        ListPartitionResponse listed = mds.call(ListPartitionRequest.newBuilder().setFsId(partition.getFsId()).build());
        PartitionInfo after = listed.getPartitionsList().stream()
                .filter(p -> p.getPartitionId() == partition.getPartitionId()).findFirst().orElseThrow();
        assertEquals(PartitionStatus.READONLY, after.getStatus());
        assertEquals(42, after.getInodeCount());
    }

    private static void checkMountsAndLeases(LeaderChannel mds) throws InterruptedException {
        Mountpoint mp = Mountpoint.newBuilder().setHostname("host1").setPath("/mnt/fs1").build();
        MountFsResponse mounted = mds.call(MountFsRequest.newBuilder().setFsName("fs1").setMountpoint(mp).build());
        assertEquals(StatusCode.OK, mounted.getStatus().getCode(), mounted.getStatus().getMessage());
        assertEquals(1500, mounted.getLeaseMs());
        MountFsResponse twice = mds.call(MountFsRequest.newBuilder().setFsName("fs1").setMountpoint(mp).build());
        assertEquals(StatusCode.MOUNT_POINT_EXIST, twice.getStatus().getCode());
        MountFsResponse unknown = mds.call(MountFsRequest.newBuilder().setFsName("nofs").setMountpoint(mp).build());
        assertEquals(StatusCode.NOT_FOUND, unknown.getStatus().getCode());
        DeleteFsResponse busy = mds.call(DeleteFsRequest.newBuilder().setFsName("fs1").build());
        assertEquals(StatusCode.FS_BUSY, busy.getStatus().getCode());

        RefreshSessionRequest refresh = RefreshSessionRequest.newBuilder().setFsName("fs1").setMountpoint(mp).build();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(500);
            RefreshSessionResponse r = mds.call(refresh);
            assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
        }
        // refreshed for 2 s, longer than the 1.5 s lease: still mounted
        GetFsInfoRequest get = GetFsInfoRequest.newBuilder().setFsName("fs1").build();
        assertEquals(1, mds.<GetFsInfoResponse>call(get).getFsInfo().getMountpointsCount());
        awaitTrue(() -> mds.<GetFsInfoResponse>call(get).getFsInfo().getMountpointsCount() == 0, 6_000,
                "auto-umount after the lease lapsed");
        assertEquals(StatusCode.SESSION_EXPIRED, mds.<RefreshSessionResponse>call(refresh).getStatus().getCode());

        Mountpoint mp2 = mp.toBuilder().setPath("/mnt/other").build();
        assertEquals(StatusCode.OK, mds.<MountFsResponse>call(MountFsRequest.newBuilder().setFsName("fs1")
                .setMountpoint(mp2).build()).getStatus().getCode());
        UmountFsRequest umount = UmountFsRequest.newBuilder().setFsName("fs1").setMountpoint(mp2).build();
        assertEquals(StatusCode.OK, mds.<UmountFsResponse>call(umount).getStatus().getCode());
        assertEquals(StatusCode.MOUNT_POINT_NOT_EXIST, mds.<UmountFsResponse>call(umount).getStatus().getCode());
    }

    /** A mount retried with the same (client id, seq), e.g. after a lost answer, is not "already mounted". */
    private static void checkRetriedMountGetsTheFirstAnswer(MdsTestCluster cluster) throws Exception {
        Mountpoint mp = Mountpoint.newBuilder().setHostname("host2").setPath("/mnt/retry").build();
        MountFsRequest mount = cluster.client.stamp(MountFsRequest.newBuilder().setFsName("fs1").setMountpoint(mp).build());
        Endpoint leader = LeaderChannel.parseEndpoint(cluster.awaitServing(5_000).address());
        MountFsResponse first = cluster.client.<MountFsResponse>invoke(leader, mount, 5_000).get(10, TimeUnit.SECONDS);
        MountFsResponse retry = cluster.client.<MountFsResponse>invoke(leader, mount, 5_000).get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.OK, first.getStatus().getCode(), first.getStatus().getMessage());
        assertEquals(first, retry);
        MountFsRequest another = cluster.client.stamp(mount.toBuilder().clearHeader().build());
        MountFsResponse again = cluster.client.<MountFsResponse>invoke(leader, another, 5_000).get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.MOUNT_POINT_EXIST, again.getStatus().getCode());
        UmountFsResponse umount = cluster.channel().call(UmountFsRequest.newBuilder().setFsName("fs1").setMountpoint(mp).build());
        assertEquals(StatusCode.OK, umount.getStatus().getCode());
    }

    private static void checkDeletion(LeaderChannel mds, FakeMetaservers metaservers, FsInfo fs1)
            throws InterruptedException {
        DeleteFsResponse deleted = mds.call(DeleteFsRequest.newBuilder().setFsName("fs1").build());
        assertEquals(StatusCode.OK, deleted.getStatus().getCode(), deleted.getStatus().getMessage());
        GetFsInfoResponse byName = mds.call(GetFsInfoRequest.newBuilder().setFsName("fs1").build());
        assertEquals(StatusCode.NOT_FOUND, byName.getStatus().getCode());
        awaitTrue(() -> mds.<ListFsResponse>call(ListFsRequest.getDefaultInstance()).getFsInfosList().stream()
                .noneMatch(f -> f.getFsId() == fs1.getFsId()), 15_000, "fs1 record removed");
        assertEquals(14, metaservers.deletedPartitions.size());
        assertEquals(12, metaservers.partitions.size(), "fs2's partitions stay");
        ListPartitionResponse gone = mds.call(ListPartitionRequest.newBuilder().setFsId(fs1.getFsId()).build());
        assertEquals(StatusCode.NOT_FOUND, gone.getStatus().getCode());
    }

    static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + ": not within " + timeoutMs + " ms");
            }
            Thread.sleep(50);
        }
    }
}
