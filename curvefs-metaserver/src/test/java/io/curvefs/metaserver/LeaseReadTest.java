package io.curvefs.metaserver;

import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads on a copyset leader are answered from its store only while its lease holds: once its followers
 * are gone, no read sent later than the lease (90 % of the 1 s election timeout) after their last answer
 * may come back OK, even before the leader notices and steps down.
 */
class LeaseReadTest {
    private static final long LEASE_MS = 900;

    @Test
    void aLeaderCutOffFromItsFollowersStopsAnsweringReadsWithinItsLease(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir)) {
            cluster.createCopyset(1, 1);
            LeaderChannel channel = cluster.channel();
            PartitionRef ref = PartitionRef.newBuilder().setPoolId(1).setCopysetId(1).setPartitionId(1).setFsId(7).build();
            Statuses.requireOk(channel.call(CreatePartitionRequest.newBuilder().setPartition(PartitionInfo.newBuilder()
                    .setFsId(7).setPoolId(1).setCopysetId(1).setPartitionId(1).setStart(0).setEnd(1 << 20)).build()));
            CreateRootInodeResponse root = channel.call(CreateRootInodeRequest.newBuilder().setPartition(ref)
                    .setTime(Time.newBuilder().setSec(1_700_000_000L)).build());
            GetInodeRequest get = GetInodeRequest.newBuilder().setPartition(ref)
                    .setInodeId(Statuses.requireOk(root).getInode().getInodeId()).build();
            String leader = channel.leaderHint().toString();
            GetInodeResponse before = cluster.invoke(leader, get);
            assertEquals(StatusCode.OK, before.getStatus().getCode(), "the leader answers while it has followers");

            int leaderIndex = cluster.addresses().indexOf(leader);
            for (int i = 0; i < 3; i++) {
                if (i != leaderIndex) {
                    cluster.stop(i);
                }
            }
            long followersGone = System.nanoTime();
            long lastOkSentMs = -1;
            int refused = 0;
            while (System.nanoTime() - followersGone < TimeUnit.SECONDS.toNanos(3)) {
                long sentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - followersGone);
                GetInodeResponse r = cluster.invoke(leader, get);
                if (r.getStatus().getCode() == StatusCode.OK) {
                    lastOkSentMs = sentMs;
                } else {
                    refused++;
                }
                Thread.sleep(10);
            }
            System.out.printf("last read answered OK was sent %d ms after the followers stopped; %d refused%n",
                    lastOkSentMs, refused);
            assertTrue(lastOkSentMs < LEASE_MS + 50, "a read sent " + lastOkSentMs + " ms after the followers' "
                    + "last answer was served from the store of a leader without a lease");
            assertTrue(refused > 0, "the cut-off leader kept answering");
        }
    }
}
