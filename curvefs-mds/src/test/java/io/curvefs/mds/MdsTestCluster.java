package io.curvefs.mds;

import io.curvefs.common.conf.Config;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** MDS replicas on loopback in this JVM, for tests; close() stops whatever is still running. */
final class MdsTestCluster implements AutoCloseable {
    static final String TOKEN = "test-token";

    final List<String> peers = new ArrayList<>();
    final List<MdsServer> replicas = new ArrayList<>();
    final List<MdsConfig> configs = new ArrayList<>();
    final CurveRpcClient client = new CurveRpcClient(TOKEN);

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static MdsTestCluster start(int size, Path dataRoot, Map<String, String> extraConf) throws Exception {
        MdsTestCluster cluster = new MdsTestCluster();
        try {
            for (int i = 0; i < size; i++) {
                cluster.peers.add("127.0.0.1:" + freePort());
            }
            for (int i = 0; i < size; i++) {
                Map<String, String> conf = new HashMap<>(extraConf);
                conf.put("cluster.token", TOKEN);
                conf.put("mds.listen.addr", cluster.peers.get(i));
                conf.put("mds.peers", String.join(",", cluster.peers));
                conf.put("mds.data.dir", dataRoot.resolve("mds" + i).toString());
                conf.put("mds.raft.electionTimeoutMs", "1000");
                conf.put("mds.raft.sync", "false");
                cluster.configs.add(MdsConfig.from(Config.of("test-mds" + i, conf)));
                cluster.replicas.add(MdsServer.start(cluster.configs.get(i)));
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    LeaderChannel channel() {
        return new LeaderChannel(client, peers, new RetryPolicy(20_000, 3_000, 20, 500));
    }

    /** The replica that serves, waiting up to {@code timeoutMs} for one. */
    MdsServer awaitServing(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Optional<MdsServer> leader = replicas.stream().filter(r -> r.stateMachine().isReady()).findFirst();
            if (leader.isPresent()) {
                return leader.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no MDS replica serving within " + timeoutMs + " ms");
    }

    /** Stops replica {@code index} and starts it again from its data dir, on the same address. */
    MdsServer restart(int index) {
        MdsConfig config = configs.get(index);
        replicas.stream().filter(r -> r.address().equals(config.listenAddr())).findFirst().ifPresent(this::stop);
        MdsServer restarted = MdsServer.start(config);
        replicas.add(restarted);
        return restarted;
    }

    void stop(MdsServer replica) {
        replica.close();
        replicas.remove(replica);
    }

    @Override
    public void close() {
        for (MdsServer r : replicas) {
            r.close();
        }
        replicas.clear();
        client.close();
    }
}
