package io.curvefs.metaserver;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.trash.TrashReclaimer;
import io.curvefs.metaserver.trash.TrashSettings;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.CreateNodeResponse;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trash's second phase on a real three-replica copyset: only the leader reclaims, only entries older
 * than the retention (the fs's own when it has one), at most a round's budget, and never an inode whose
 * objects could not be deleted. The objects' deletion itself is shown end to end with a real bucket by the
 * tests module (TrashTest); here the object store is unreachable, which is the failure that must keep the
 * inode.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TrashReclaimerTest {
    private static final int POOL = 1;
    private static final int CS = 1;
    private static final int FS = 5;
    private static final long RETENTION = 600;
    private static final Time T1 = Time.newBuilder().setSec(1_700_000_000L).build();
    private static final Time DELETED = Time.newBuilder().setSec(1_700_001_000L).build();
    private static final PartitionRef REF = PartitionRef.newBuilder().setPoolId(POOL).setCopysetId(CS)
            .setPartitionId(1).setFsId(FS).build();

    @Test
    void theLeaderReclaimsExpiredEntriesWithinItsBudgetAndKeepsWhatItCouldNotDelete(@TempDir Path dir)
            throws Exception {
        try (TestCluster cluster = new TestCluster(dir)) {
            LeaderChannel channel = cluster.channel();
            cluster.createCopyset(POOL, CS);
            Statuses.requireOk(channel.<CreatePartitionResponse>call(CreatePartitionRequest.newBuilder()
                    .setPartition(PartitionInfo.newBuilder().setFsId(FS).setPoolId(POOL).setCopysetId(CS)
                            .setPartitionId(1).setStart(0).setEnd(999)).build()));
            Statuses.requireOk(channel.<CreateRootInodeResponse>call(CreateRootInodeRequest.newBuilder()
                    .setPartition(REF).setTime(T1).build()));
            long a = trashedFile(channel, "a", false);
            long b = trashedFile(channel, "b", false);
            long c = trashedFile(channel, "c", false);
            long withObjects = trashedFile(channel, "d", true);

            AtomicLong now = new AtomicLong(DELETED.getSec() + RETENTION - 1);
            int leader = leaderIndex(cluster);
            FsInfo deadBucket = FsInfo.newBuilder().setFsId(FS).setS3Info(S3Info.newBuilder()
                    .setEndpoint("127.0.0.1:" + TestCluster.freePort()).setBucket("none").setAk("a").setSk("s")).build();
            TrashSettings settings = new TrashSettings(RETENTION, 60_000, 2);
            try (TrashReclaimer follower = new TrashReclaimer(cluster.node((leader + 1) % 3).copysets(),
                    id -> deadBucket, settings, now::get);
                 TrashReclaimer reclaimer = new TrashReclaimer(cluster.node(leader).copysets(), id -> deadBucket,
                         settings, now::get)) {
                assertEquals(0, reclaimer.round(), "nothing has expired yet");
                now.set(DELETED.getSec() + RETENTION);
                assertEquals(0, follower.round(), "a follower leaves the trash to the leader");
                assertEquals(2, reclaimer.round(), "a round stops at its budget");
                assertGone(channel, a);
                assertGone(channel, b);
                assertEquals(0, getInode(channel, c).getNlink(), "still in the trash");

                assertEquals(1, reclaimer.round(), "the objects of the last one cannot be deleted");
                assertGone(channel, c);
                assertEquals(1, getInode(channel, withObjects).getS3ChunkInfoMapCount(),
                        "an inode whose objects are still there stays, with its chunk infos");
            }
            FsInfo longerRetention = deadBucket.toBuilder().setTrashRetentionSec((int) RETENTION * 2).build();
            long e = trashedFile(channel, "e", false);
            try (TrashReclaimer reclaimer = new TrashReclaimer(cluster.node(leader).copysets(),
                    id -> longerRetention, settings, () -> DELETED.getSec() + RETENTION * 2 - 1)) {
                assertEquals(0, reclaimer.round(), "the fs's own retention wins over the metaserver's");
            }
            assertEquals(0, getInode(channel, e).getNlink());
        }
    }

    /** A file (with one chunk info when {@code withObjects}) whose only name went at {@link #DELETED}. */
    private static long trashedFile(LeaderChannel channel, String name, boolean withObjects) {
        CreateNodeResponse created = Statuses.requireOk(channel.call(CreateNodeRequest.newBuilder().setPartition(REF)
                .setParentInodeId(1).setName(name).setType(FsFileType.TYPE_S3).setMode(0100644).setTime(T1).build()));
        long ino = created.getInode().getInodeId();
        if (withObjects) {
            Statuses.requireOk(channel.<AppendS3ChunkInfoResponse>call(AppendS3ChunkInfoRequest.newBuilder()
                    .setPartition(REF).setInodeId(ino).putAdd(0, S3ChunkInfoList.newBuilder().addInfos(S3ChunkInfo
                            .newBuilder().setChunkId(9).setLen(100).setSize(100)).build()).setLength(100).build()));
        }
        RemoveEntryResponse removed = Statuses.requireOk(channel.call(RemoveEntryRequest.newBuilder()
                .setPartition(REF).setParentInodeId(1).setName(name).setTime(DELETED).build()));
        assertTrue(removed.getInodeDeleted());
        return ino;
    }

    private static GetInodeResponse getInodeResponse(LeaderChannel channel, long ino) {
        return channel.call(GetInodeRequest.newBuilder().setPartition(REF).setInodeId(ino).setWithChunks(true).build());
    }

    private static io.curvefs.proto.metaserver.Inode getInode(LeaderChannel channel, long ino) {
        return Statuses.requireOk(getInodeResponse(channel, ino)).getInode();
    }

    private static void assertGone(LeaderChannel channel, long ino) {
        assertEquals(StatusCode.INODE_NOT_FOUND, getInodeResponse(channel, ino).getStatus().getCode());
    }

    private static int leaderIndex(TestCluster cluster) throws InterruptedException {
        int[] leader = {-1};
        TestCluster.await("a serving leader of copyset " + CS, 15_000, () -> {
            for (int i = 0; i < 3; i++) {
                if (cluster.node(i).copysets().require(POOL, CS).stateMachine().isServing()) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }
}
