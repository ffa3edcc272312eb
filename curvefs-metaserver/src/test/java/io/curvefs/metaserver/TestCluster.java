package io.curvefs.metaserver;

import com.google.protobuf.Message;
import io.curvefs.common.raft.RaftSettings;
import io.curvefs.metaserver.compaction.CompactionSettings;
import io.curvefs.metaserver.trash.TrashSettings;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.copyset.CreateCopysetRequest;
import io.curvefs.proto.copyset.CreateCopysetResponse;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Three metaservers in this JVM on loopback, each with its data dir under {@code root}. */
final class TestCluster implements AutoCloseable {
    static final String TOKEN = "test-token";
    static final RetryPolicy POLICY = new RetryPolicy(20_000, 2_000, 20, 500);

    private final Path root;
    private final List<String> addresses = new ArrayList<>();
    private final MetaserverNode[] nodes = new MetaserverNode[3];
    final CurveRpcClient client = new CurveRpcClient(TOKEN);

    TestCluster(Path root) throws Exception {
        this.root = root;
        for (int i = 0; i < 3; i++) {
            addresses.add("127.0.0.1:" + freePort());
        }
        for (int i = 0; i < 3; i++) {
            start(i);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    List<String> addresses() {
        return addresses;
    }

    MetaserverConfig config(int i) {
        return new MetaserverConfig(TOKEN, addresses.get(i), "127.0.0.1", List.of(), root.resolve("ms" + i), 2000,
                new RaftSettings(1000, 3600, false), 4, TrashSettings.defaults(), 5000, 60_000,
                CompactionSettings.defaults(), 5000);
    }

    MetaserverNode node(int i) {
        return nodes[i];
    }

    /** Starts (or restarts from its dirs) node {@code i}. */
    void start(int i) {
        nodes[i] = new MetaserverNode(config(i));
        nodes[i].start();
    }

    void stop(int i) {
        nodes[i].close();
        nodes[i] = null;
    }

    LeaderChannel channel() {
        return new LeaderChannel(client, addresses, POLICY);
    }

    /** Sends CreateCopyset to each member, as the MDS does. */
    void createCopyset(int poolId, int copysetId) throws Exception {
        CopysetInfo.Builder info = CopysetInfo.newBuilder().setPoolId(poolId).setCopysetId(copysetId);
        addresses.forEach(a -> info.addPeers(Peer.newBuilder().setAddress(a)));
        for (String a : addresses) {
            CreateCopysetResponse r = invoke(a, CreateCopysetRequest.newBuilder().addCopysets(info).build());
            Statuses.requireOk(r);
        }
    }

    CopysetStatus status(int i, int poolId, int copysetId, boolean hash) throws Exception {
        GetCopysetStatusResponse r = invoke(addresses.get(i), GetCopysetStatusRequest.newBuilder()
                .setPoolId(poolId).setCopysetId(copysetId).setQueryHash(hash).build());
        return Statuses.requireOk(r).getCopyset();
    }

    <R extends Message> R invoke(String address, Message request) throws Exception {
        return client.<R>invoke(LeaderChannel.parseEndpoint(address), request, 5_000).get(10, TimeUnit.SECONDS);
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < 3; i++) {
            if (nodes[i] != null) {
                try {
                    nodes[i].close();
                } catch (RuntimeException e) {
                    System.err.println("node " + i + " did not stop cleanly: " + e);
                }
                nodes[i] = null;
            }
        }
        client.close();
    }
}
