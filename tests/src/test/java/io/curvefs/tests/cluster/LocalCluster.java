package io.curvefs.tests.cluster;

import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.GetMdsStatusRequest;
import io.curvefs.proto.mds.GetMdsStatusResponse;
import io.curvefs.proto.topology.ListTopologyRequest;
import io.curvefs.proto.topology.ListTopologyResponse;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.OnlineState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real cluster on 127.0.0.1 for cross-process tests: N MDS and M metaservers started through bin/curvefs-mds
 * and bin/curvefs-metaserver with conf files derived from the shipped conf/ templates, the topology created with
 * bin/curvefs-tool, and every process killable and restartable. Everything lives under {@code workDir}:
 * conf/, data/&lt;name&gt;/ and logs/&lt;name&gt;.log (kept after close for post-mortems).
 */
public final class LocalCluster implements AutoCloseable {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);
    private static final Duration ONLINE_WAIT = Duration.ofSeconds(60);
    private static final long TOOL_TIMEOUT_SECS = 60;
    private static final long GRACEFUL_STOP_SECS = 5;
    private static final int LOG_TAIL_LINES = 30;

    /** How many of each server, and settings that tests change. */
    public record Options(int mdsCount, int metaserverCount, long idsPerPartition,
                          Map<String, String> extraMdsConf, Map<String, String> extraMetaserverConf) {
        public Options {
            if (mdsCount < 1 || metaserverCount < 1 || idsPerPartition < 1) {
                throw new IllegalArgumentException("a cluster needs at least one MDS, one metaserver, one id per partition");
            }
            extraMdsConf = Map.copyOf(extraMdsConf);
            extraMetaserverConf = Map.copyOf(extraMetaserverConf);
        }

        public static Options defaults() {
            return new Options(3, 3, 1_048_576, Map.of(), Map.of());
        }
    }

    /** What one run of bin/curvefs-tool printed and how it exited. */
    public record ToolResult(int exitCode, String stdout, String stderr) {
    }

    private final Path root;
    private final Path workDir;
    private final Options options;
    private final String clusterToken = "test-" + UUID.randomUUID();
    private final List<String> mdsAddrs = new ArrayList<>();
    private final List<String> metaserverAddrs = new ArrayList<>();
    private final List<ServerProcess> mds = new ArrayList<>();
    private final List<ServerProcess> metaservers = new ArrayList<>();
    private CurveRpcClient rpcClient;

    private LocalCluster(Path root, Path workDir, Options options) {
        this.root = root;
        this.workDir = workDir.toAbsolutePath();
        this.options = options;
    }

    /**
     * Writes the conf files, starts the MDS group, waits for its leader, creates the topology (one zone per
     * metaserver, one pool of 3 replicas), starts the metaservers and waits until all are ONLINE. On failure
     * everything started is stopped and the exception carries the end of the relevant logs.
     */
    public static LocalCluster start(Path workDir, Options options) {
        LocalCluster cluster = new LocalCluster(RepoRoot.find(), workDir, options);
        try {
            cluster.boot();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void boot() {
        List<Integer> ports = FreePorts.take(options.mdsCount() + options.metaserverCount());
        for (int i = 0; i < options.mdsCount(); i++) {
            mdsAddrs.add("127.0.0.1:" + ports.get(i));
        }
        for (int i = 0; i < options.metaserverCount(); i++) {
            metaserverAddrs.add("127.0.0.1:" + ports.get(options.mdsCount() + i));
        }
        writeConfFiles();
        for (int i = 0; i < options.mdsCount(); i++) {
            mds.add(new ServerProcess("mds" + i, root.resolve("bin/curvefs-mds"), mdsConf(i), logFile("mds" + i)));
        }
        for (int i = 0; i < options.metaserverCount(); i++) {
            metaservers.add(new ServerProcess("metaserver" + i, root.resolve("bin/curvefs-metaserver"),
                    metaserverConf(i), logFile("metaserver" + i)));
        }

        mds.forEach(ServerProcess::start);
        try {
            awaitOrExplain("an MDS leader", LEADER_WAIT, mds, () -> mdsLeaderIndex() >= 0);
        } catch (IllegalStateException e) {
            StringBuilder answers = new StringBuilder("GetMdsStatus answers:");
            for (int i = 0; i < mdsAddrs.size(); i++) {
                answers.append("\n  mds").append(i).append(' ').append(mdsAddrs.get(i)).append(": ")
                        .append(askMds(i).description());
            }
            throw new IllegalStateException(e.getMessage() + "\n" + answers, e);
        }

        ToolResult topology = tool("create-topology", "--file", workDir.resolve("conf/topology.json").toString());
        if (topology.exitCode() != 0) {
            throw new IllegalStateException("create-topology failed (exit " + topology.exitCode() + "): "
                    + topology.stderr().strip() + "\n" + tails(mds));
        }

        // after the topology: a metaserver may only register once its ip:port is a server of the topology
        metaservers.forEach(ServerProcess::start);
        awaitOrExplain("all " + metaservers.size() + " metaservers ONLINE", ONLINE_WAIT, metaservers,
                this::allMetaserversOnline);
    }

    private void writeConfFiles() {
        Path conf = workDir.resolve("conf");
        String peers = String.join(",", mdsAddrs);
        for (int i = 0; i < options.mdsCount(); i++) {
            Map<String, String> values = new HashMap<>();
            values.put("cluster.token", clusterToken);
            values.put("mds.listen.addr", mdsAddrs.get(i));
            values.put("mds.peers", peers);
            values.put("mds.data.dir", workDir.resolve("data/mds" + i).toString());
            values.put("mds.partition.idsPerPartition", Long.toString(options.idsPerPartition()));
            values.putAll(options.extraMdsConf());
            ConfFile.write(root.resolve("conf/mds0.conf"), mdsConf(i), values);
        }
        for (int i = 0; i < options.metaserverCount(); i++) {
            Map<String, String> values = new HashMap<>();
            values.put("cluster.token", clusterToken);
            values.put("metaserver.listen.addr", metaserverAddrs.get(i));
            values.put("mds.addrs", peers);
            values.put("metaserver.data.dir", metaserverDataDir(i).toString());
            values.putAll(options.extraMetaserverConf());
            ConfFile.write(root.resolve("conf/metaserver0.conf"), metaserverConf(i), values);
        }
        ConfFile.write(root.resolve("conf/tools.conf"), toolsConf(),
                Map.of("cluster.token", clusterToken, "mds.addrs", peers));
        writeTopology(conf.resolve("topology.json"));
    }

    private void writeTopology(Path file) {
        StringBuilder json = new StringBuilder();
        json.append("{\"pools\":[{\"name\":\"pool1\",\"replicasnum\":3,\"copysetnum\":0,\"zonenum\":")
                .append(metaserverAddrs.size()).append("}],\n\"servers\":[");
        for (int i = 0; i < metaserverAddrs.size(); i++) {
            String[] hostPort = metaserverAddrs.get(i).split(":");
            json.append(i == 0 ? "\n" : ",\n").append(String.format(
                    "{\"name\":\"server%d\",\"internalip\":\"%s\",\"internalport\":%s,\"externalip\":\"%s\","
                            + "\"externalport\":%s,\"zone\":\"zone%d\",\"pool\":\"pool1\"}",
                    i, hostPort[0], hostPort[1], hostPort[0], hostPort[1], i + 1));
        }
        json.append("]}\n");
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String clusterToken() {
        return clusterToken;
    }

    public List<String> mdsAddrs() {
        return List.copyOf(mdsAddrs);
    }

    public List<String> metaserverAddrs() {
        return List.copyOf(metaserverAddrs);
    }

    public Path toolsConf() {
        return workDir.resolve("conf/tools.conf");
    }

    public Path workDir() {
        return workDir;
    }

    public Path mdsConf(int i) {
        return workDir.resolve("conf/mds" + i + ".conf");
    }

    public Path metaserverConf(int i) {
        return workDir.resolve("conf/metaserver" + i + ".conf");
    }

    public Path metaserverDataDir(int i) {
        return workDir.resolve("data/metaserver" + i);
    }

    /** The log of process {@code name} ("mds0", "metaserver2", ...). */
    public Path logFile(String name) {
        return workDir.resolve("logs/" + name + ".log");
    }

    /** The index of the MDS that answers GetMdsStatus as a serving leader, or -1 if none does. */
    public int mdsLeaderIndex() {
        for (int i = 0; i < mdsAddrs.size(); i++) {
            if (mds.get(i).isRunning() && askMds(i).servingLeader()) {
                return i;
            }
        }
        return -1;
    }

    /** One GetMdsStatus answer, with words for failure messages. */
    private record MdsAnswer(boolean servingLeader, String description) {
    }

    private MdsAnswer askMds(int i) {
        try {
            GetMdsStatusResponse r = rpcClient().<GetMdsStatusResponse>invoke(
                    LeaderChannel.parseEndpoint(mdsAddrs.get(i)), GetMdsStatusRequest.getDefaultInstance(), 1_000)
                    .get(2, TimeUnit.SECONDS);
            if (r.getStatus().getCode() != StatusCode.OK) {
                return new MdsAnswer(false, "refused: " + r.getStatus().getCode() + " " + r.getStatus().getMessage());
            }
            if (r.getIsLeader()) {
                return new MdsAnswer(r.getServing(), r.getServing() ? "serving leader"
                        : "leader, not serving yet (term " + r.getTerm() + ")");
            }
            return new MdsAnswer(false, "follower (leader '" + r.getLeader() + "', term " + r.getTerm() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new MdsAnswer(false, "interrupted");
        } catch (Exception e) {
            return new MdsAnswer(false, "no answer: " + e);
        }
    }

    public void killMds(int i) {
        mds.get(i).kill();
    }

    public void startMds(int i) {
        mds.get(i).start();
    }

    public void killMetaserver(int i) {
        metaservers.get(i).kill();
    }

    /** Restarts metaserver {@code i} with the same conf file and data dir. */
    public void startMetaserver(int i) {
        metaservers.get(i).start();
    }

    public boolean isMetaserverRunning(int i) {
        return metaservers.get(i).isRunning();
    }

    /** The exit code of metaserver {@code i} if it has ended, else null. */
    public Integer metaserverExitCode(int i) {
        return metaservers.get(i).exitCode();
    }

    /** The exit code of MDS {@code i} if it has ended, else null. */
    public Integer mdsExitCode(int i) {
        return mds.get(i).exitCode();
    }

    public int metaserverIndexOf(String address) {
        int i = metaserverAddrs.indexOf(address);
        if (i < 0) {
            throw new IllegalArgumentException(address + " is not a metaserver of this cluster " + metaserverAddrs);
        }
        return i;
    }

    /** Runs bin/curvefs-tool --conf &lt;toolsConf&gt; args... and waits for it (at most 60 s). */
    public ToolResult tool(String... args) {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/curvefs-tool").toString(),
                "--conf", toolsConf().toString()));
        command.addAll(List.of(args));
        return CommandRunner.run(command, workDir.resolve("logs"), TOOL_TIMEOUT_SECS);
    }

    /**
     * Runs bin/{@code script} with {@code args} to completion (at most 60 s), e.g. an MDS with a broken conf
     * file that must refuse to start.
     */
    public ToolResult runBin(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin").resolve(script).toString()));
        command.addAll(List.of(args));
        return CommandRunner.run(command, workDir.resolve("logs"), TOOL_TIMEOUT_SECS);
    }

    /** A client that carries this cluster's token; closed by {@link #close()}. */
    public synchronized CurveRpcClient rpcClient() {
        if (rpcClient == null) {
            rpcClient = new CurveRpcClient(clusterToken);
        }
        return rpcClient;
    }

    /** The MDS's view of the topology, asked of the leader. */
    public ListTopologyResponse listTopology() {
        LeaderChannel channel = new LeaderChannel(rpcClient(), mdsAddrs, new RetryPolicy(5_000, 2_000, 50, 500));
        return channel.call(ListTopologyRequest.getDefaultInstance());
    }

    private boolean allMetaserversOnline() {
        try {
            ListTopologyResponse t = listTopology();
            List<MetaServerInfo> online = t.getMetaserversList().stream()
                    .filter(m -> m.getState() == OnlineState.ONLINE).toList();
            return t.getStatus().getCode() == StatusCode.OK && online.size() == metaserverAddrs.size();
        } catch (RpcException e) {
            return false;
        }
    }

    /** Waits for {@code condition}; a process of {@code watched} that exits ends the wait with its log. */
    private void awaitOrExplain(String what, Duration timeout, List<ServerProcess> watched,
                                BooleanSupplier condition) {
        try {
            Waits.until(what, timeout, () -> {
                for (ServerProcess p : watched) {
                    if (!p.isRunning()) {
                        throw new IllegalStateException(p.name() + " exited with code " + p.exitCode()
                                + " while waiting for " + what + "; last lines of " + p.log() + ":\n"
                                + p.logTail(LOG_TAIL_LINES));
                    }
                }
            }, condition);
        } catch (IllegalStateException e) {
            if (e.getMessage().startsWith("timed out")) {
                throw new IllegalStateException(e.getMessage() + "\n" + tails(watched), e);
            }
            throw e;
        }
    }

    private static String tails(List<ServerProcess> processes) {
        StringBuilder out = new StringBuilder();
        for (ServerProcess p : processes) {
            out.append("---- last lines of ").append(p.log()).append(" ----\n")
                    .append(p.logTail(LOG_TAIL_LINES)).append('\n');
        }
        return out.toString();
    }

    /** SIGTERM to every process, SIGKILL to those still running after 5 s; logs and data stay in workDir. */
    @Override
    public void close() {
        List<ServerProcess> all = new ArrayList<>(metaservers);
        all.addAll(mds);
        all.forEach(ServerProcess::terminate);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACEFUL_STOP_SECS);
        for (ServerProcess p : all) {
            long left = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            if (!p.awaitExit(left)) {
                p.kill();
            }
        }
        synchronized (this) {
            if (rpcClient != null) {
                rpcClient.close();
                rpcClient = null;
            }
        }
    }
}
