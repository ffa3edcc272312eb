package io.curvefs.common.meta;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.ListPartitionResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing logic only: the MDS is a canned answer and no channel is ever used to send. */
class PartitionRouterTest {
    private static final int FS = 7;
    private static final List<String> PEERS_A = List.of("127.0.0.1:6800", "127.0.0.1:6801", "127.0.0.1:6802");
    private static final List<String> PEERS_B = List.of("127.0.0.1:6801", "127.0.0.1:6802", "127.0.0.1:6803");

    private static CurveRpcClient rpc;

    /** The MDS's answer, replaceable by the test; counts how often it was asked. */
    private final AtomicReference<ListPartitionResponse> answer = new AtomicReference<>();
    private final AtomicInteger mdsCalls = new AtomicInteger();
    private final List<LeaderChannel> opened = new ArrayList<>();

    @BeforeAll
    static void openClient() {
        rpc = new CurveRpcClient("test-token");
    }

    @AfterAll
    static void closeClient() {
        rpc.close();
    }

    private PartitionRouter router() {
        return new PartitionRouter(FS, fsId -> {
            assertEquals(FS, fsId);
            mdsCalls.incrementAndGet();
            return answer.get();
        }, peers -> {
            LeaderChannel channel = new LeaderChannel(rpc, peers, RetryPolicy.DEFAULT);
            synchronized (opened) {
                opened.add(channel);
            }
            return channel;
        });
    }

    private static PartitionInfo partition(int id, int copyset, long start, long end, PartitionStatus status) {
        return PartitionInfo.newBuilder().setFsId(FS).setPoolId(1).setCopysetId(copyset).setPartitionId(id)
                .setStart(start).setEnd(end).setStatus(status).build();
    }

    private static CopysetInfo copyset(int id, List<String> peers, String leader) {
        CopysetInfo.Builder b = CopysetInfo.newBuilder().setPoolId(1).setCopysetId(id).setLeader(leader);
        for (int i = 0; i < peers.size(); i++) {
            b.addPeers(Peer.newBuilder().setMetaserverId(i + 1).setAddress(peers.get(i)));
        }
        return b.build();
    }

    private static ListPartitionResponse listing(List<PartitionInfo> partitions, List<CopysetInfo> copysets) {
        return ListPartitionResponse.newBuilder().addAllPartitions(partitions).addAllCopysets(copysets).build();
    }

    /** Partitions [0,99] and [100,199] on copyset 1, [300,399] on copyset 2; 200..299 belongs to nobody. */
    private static ListPartitionResponse threePartitions() {
        return listing(List.of(
                        partition(1, 1, 0, 99, PartitionStatus.READWRITE),
                        partition(2, 1, 100, 199, PartitionStatus.READWRITE),
                        partition(3, 2, 300, 399, PartitionStatus.READWRITE)),
                List.of(copyset(1, PEERS_A, ""), copyset(2, PEERS_B, "")));
    }

    @Test
    void routesEachIdToThePartitionWhoseRangeHoldsIt() {
        answer.set(threePartitions());
        PartitionRouter router = router();

        assertEquals(1, router.route(1).partitionId());
        assertEquals(1, router.route(99).partitionId());
        assertEquals(2, router.route(100).partitionId());
        assertEquals(2, router.route(199).partitionId());
        assertEquals(3, router.route(300).partitionId());
        assertEquals(3, router.route(399).partitionId());
        assertEquals(1, mdsCalls.get(), "one load serves every lookup");
        assertSame(router.route(5).channel(), router.route(150).channel(), "one channel per copyset");
        assertNotSame(router.route(5).channel(), router.route(350).channel());
    }

    @Test
    void idInAGapOrBeyondTheLastPartitionRefreshesOnceThenFails() {
        answer.set(threePartitions());
        PartitionRouter router = router();
        router.route(1);

        RpcException gap = assertThrows(RpcException.class, () -> router.route(250));
        assertEquals(StatusCode.PARTITION_NOT_FOUND, gap.code());
        assertEquals(2, mdsCalls.get());
        RpcException beyond = assertThrows(RpcException.class, () -> router.route(400));
        assertEquals(StatusCode.PARTITION_NOT_FOUND, beyond.code());
        assertEquals(3, mdsCalls.get());
    }

    @Test
    void unknownIdIsFoundAfterTheMdsAddedItsPartition() {
        answer.set(threePartitions());
        PartitionRouter router = router();
        router.route(1);
        List<PartitionInfo> grown = new ArrayList<>(threePartitions().getPartitionsList());
        grown.add(partition(4, 2, 200, 299, PartitionStatus.READWRITE));
        answer.set(listing(grown, threePartitions().getCopysetsList()));

        Route route = router.route(250);

        assertEquals(4, route.partitionId());
        assertEquals(2, router.version());
        assertEquals(2, route.ref().getCopysetId(), "partition 4 is addressed on copyset 2");
        assertEquals(FS, route.ref().getFsId());
    }

    @Test
    void concurrentRefreshesOfTheSameStaleRouteCostOneMdsCall() throws Exception {
        answer.set(threePartitions());
        PartitionRouter router = router();
        Route stale = router.route(1);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    router.refresh(stale, false);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, mdsCalls.get(), "first load plus exactly one refresh");
        assertEquals(2, router.version());
    }

    @Test
    void channelsSurviveARefreshUnlessPeersChangeOrAReopenIsAsked() {
        answer.set(threePartitions());
        PartitionRouter router = router();
        Route first = router.route(1);
        LeaderChannel copyset2 = router.route(300).channel();

        router.refresh(first, false);
        assertSame(first.channel(), router.route(1).channel(), "same peers: the channel keeps its leader");

        router.refresh(router.route(1), true);
        assertNotSame(first.channel(), router.route(1).channel(), "reopen asked for copyset 1");
        assertSame(copyset2, router.route(300).channel(), "copyset 2 was not named");

        answer.set(listing(threePartitions().getPartitionsList(),
                List.of(copyset(1, PEERS_B, ""), copyset(2, PEERS_B, ""))));
        LeaderChannel before = router.route(1).channel();
        router.refresh(router.version());
        assertNotSame(before, router.route(1).channel(), "copyset 1 moved to other peers");
        assertEquals(PEERS_B, addresses(router.route(1).channel()));
    }

    @Test
    void theMdsLeaderHintIsTriedFirst() {
        answer.set(listing(List.of(partition(1, 1, 0, 99, PartitionStatus.READWRITE)),
                List.of(copyset(1, PEERS_A, PEERS_A.get(2)))));

        LeaderChannel channel = router().route(1).channel();

        assertEquals(List.of(PEERS_A.get(2), PEERS_A.get(0), PEERS_A.get(1)), addresses(channel));
    }

    @Test
    void onlyReadWritePartitionsWithoutALocalReadOnlyMarkAreWritable() {
        answer.set(listing(List.of(
                        partition(1, 1, 0, 99, PartitionStatus.READONLY),
                        partition(2, 1, 100, 199, PartitionStatus.DELETING),
                        partition(3, 2, 200, 299, PartitionStatus.READWRITE),
                        partition(4, 2, 300, 399, PartitionStatus.READWRITE)),
                List.of(copyset(1, PEERS_A, ""), copyset(2, PEERS_B, ""))));
        PartitionRouter router = router();

        assertEquals(Set.of(3, 4), pickedIds(router));

        router.markReadOnly(3);
        router.refresh(router.version());
        assertEquals(Set.of(4), pickedIds(router), "the mark outlives a refresh that still says READWRITE");

        router.markReadOnly(4);
        assertTrue(router.pickWritable().isEmpty());
    }

    /** Every partition pickWritable returns over many picks (it picks at random). */
    private static Set<Integer> pickedIds(PartitionRouter router) {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ids.add(router.pickWritable().orElseThrow().partitionId());
        }
        return ids;
    }

    private static List<String> addresses(LeaderChannel channel) {
        List<String> out = new ArrayList<>();
        channel.peers().forEach(ep -> out.add(ep.toString()));
        return out;
    }
}
