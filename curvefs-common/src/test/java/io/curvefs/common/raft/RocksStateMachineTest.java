package io.curvefs.common.raft;

import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.proto.mdsstate.KvWrite;
import io.curvefs.proto.mdsstate.MdsLogEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Three real raft replicas on loopback, each with its own RocksDB: replication, snapshot catch-up, restart. */
class RocksStateMachineTest {
    @TempDir
    Path tmp;
    private final List<Replica> replicas = new ArrayList<>();

    static final class KvMachine extends RocksStateMachine {
        KvMachine(RocksStore store) {
            super(store);
        }

        @Override
        protected Message apply(Batch batch, long index, ByteBuffer data) {
            try {
                MdsLogEntry entry = MdsLogEntry.parseFrom(data);
                for (KvWrite w : entry.getWritesList()) {
                    batch.put(w.getKey().toByteArray(), w.getValue().toByteArray());
                }
                return entry;
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected byte[] barrierEntry() {
            return MdsLogEntry.getDefaultInstance().toByteArray();
        }
    }

    final class Replica {
        final int index;
        final String address;
        final List<String> peers;
        CurveRpcServer server;
        RocksStore store;
        KvMachine fsm;
        RaftGroupService group;

        Replica(int index, String address, List<String> peers) {
            this.index = index;
            this.address = address;
            this.peers = peers;
        }

        void start() {
            String[] hp = address.split(":");
            server = new CurveRpcServer(new Endpoint(hp[0], Integer.parseInt(hp[1])), "t", 2);
            store = new RocksStore(tmp.resolve("r" + index).resolve("db"));
            fsm = new KvMachine(store);
            group = RaftGroups.start("test", address, peers, tmp.resolve("r" + index).resolve("raft"), fsm,
                    server.raftServer(), new RaftSettings(300, 3600, true));
            server.start();
        }

        void stop() {
            if (group != null) {
                group.shutdown();
                try {
                    group.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                group = null;
                server.close();
                store.close();
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterEach
    void stopAll() {
        replicas.forEach(Replica::stop);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private Replica serving() {
        return replicas.stream().filter(r -> r.group != null && r.fsm.isServing()).findFirst().orElse(null);
    }

    private static byte[] put(String key, String value) {
        return MdsLogEntry.newBuilder().addWrites(KvWrite.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build().toByteArray();
    }

    private void writeMany(Replica leader, int from, int to) throws Exception {
        List<CompletableFuture<Message>> inFlight = new ArrayList<>();
        for (int i = from; i < to; i++) {
            inFlight.add(leader.fsm.propose(put("k" + i, "v" + i)));
        }
        for (CompletableFuture<Message> f : inFlight) {
            f.get(20, TimeUnit.SECONDS);
        }
    }

    private static void snapshot(Replica leader) throws Exception {
        CompletableFuture<com.alipay.sofa.jraft.Status> snap = new CompletableFuture<>();
        leader.fsm.node().snapshot(snap::complete);
        assertTrue(snap.get(30, TimeUnit.SECONDS).isOk(), "snapshot");
    }

    @Test
    void followerCatchesUpFromSnapshotAndAllReplicasAgree() throws Exception {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add("127.0.0.1:" + freePort());
        }
        for (int i = 0; i < 3; i++) {
            Replica r = new Replica(i, peers.get(i), peers);
            replicas.add(r);
            r.start();
        }
        await("a serving leader", () -> serving() != null);
        Replica leader = serving();
        writeMany(leader, 0, 300);

        Replica lagging = replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
        lagging.stop();
        writeMany(leader, 300, 600);
        snapshot(leader);
        writeMany(leader, 600, 620);
        // jraft keeps the log up to the previous snapshot: a second one drops what the follower misses
        snapshot(leader);
        writeMany(leader, 620, 650);

        lagging.start();
        long target = leader.store.appliedIndex();
        await("the restarted follower to catch up", () -> lagging.store.appliedIndex() >= target);
        assertTrue(lagging.fsm.installedSnapshotIndex() > 0, "the follower must have installed a snapshot");
        assertArrayEquals("v649".getBytes(StandardCharsets.UTF_8), lagging.store.get("k649".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), lagging.store.get("k1".getBytes(StandardCharsets.UTF_8)));
        await("all replicas at the same index", () -> replicas.stream().allMatch(r -> r.store.appliedIndex() == target));
        String sum = leader.store.checksum();
        for (Replica r : replicas) {
            assertEquals(sum, r.store.checksum(), "replica " + r.index);
        }

        // a full restart keeps the data and replays nothing twice
        replicas.forEach(Replica::stop);
        replicas.forEach(Replica::start);
        await("a serving leader after restart", () -> serving() != null);
        Replica again = serving();
        writeMany(again, 650, 660);
        assertArrayEquals("v659".getBytes(StandardCharsets.UTF_8), again.store.get("k659".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("v0".getBytes(StandardCharsets.UTF_8), again.store.get("k0".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void singleReplicaGroupServesAfterEveryRestart() throws Exception {
        String self = "127.0.0.1:" + freePort();
        Replica only = new Replica(0, self, List.of(self));
        replicas.add(only);
        for (int round = 0; round < 4; round++) {
            only.start();
            await("the single replica serving after start " + round, () -> only.fsm.isServing());
            writeMany(only, round * 10, round * 10 + 10);
            only.stop();
        }
        only.start();
        await("serving", () -> only.fsm.isServing());
        assertArrayEquals("v39".getBytes(StandardCharsets.UTF_8), only.store.get("k39".getBytes(StandardCharsets.UTF_8)));
    }
}
