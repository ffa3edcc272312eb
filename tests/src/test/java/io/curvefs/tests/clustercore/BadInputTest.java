package io.curvefs.tests.clustercore;

import com.google.gson.JsonObject;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import io.curvefs.tests.cluster.LocalCluster.ToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static io.curvefs.tests.clustercore.ToolChecks.assertOneLineFailure;
import static io.curvefs.tests.clustercore.ToolChecks.createFsArgs;
import static io.curvefs.tests.clustercore.ToolChecks.findFs;
import static io.curvefs.tests.clustercore.ToolChecks.json;
import static io.curvefs.tests.clustercore.ToolChecks.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Show 5: bad input (invalid fs names, a repeated create-fs with other parameters, an unknown fs, a malformed
 * topology file, missing or invalid config keys, a metaserver with a wrong token) gets a one-line error and a
 * non-zero exit; the servers stay up and the fs made before is unchanged.
 */
class BadInputTest {
    private static final String FS = "show5-fs";

    private static ClusterWithS3 env;
    private static EmbeddedS3 s3;
    private static LocalCluster cluster;
    private static JsonObject fsBefore;

    @BeforeAll
    static void startCluster() {
        env = ClusterWithS3.start(BadInputTest.class);
        s3 = env.s3();
        cluster = env.cluster();
        ok(cluster.tool(createFsArgs(s3, FS)));
        fsBefore = findFs(json(cluster, "list-fs"), FS);
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    /** After every refusal: all servers still run, an MDS serves, and the earlier fs is exactly as it was. */
    @AfterEach
    void serversStayUpAndNothingChanged() {
        for (int i = 0; i < cluster.mdsAddrs().size(); i++) {
            assertEquals(null, cluster.mdsExitCode(i), "mds" + i + " must still run");
        }
        assertTrue(cluster.mdsLeaderIndex() >= 0, "an MDS leader still serves");
        JsonObject fsNow = findFs(json(cluster, "list-fs"), FS);
        fsNow.remove("usedBytes");
        JsonObject expected = fsBefore.deepCopy();
        expected.remove("usedBytes");
        assertEquals(expected, fsNow, "the fs made before the bad input is unchanged");
    }

    @Test
    void invalidFsNamesAreRefused() {
        // (a trailing '-' is accepted, as by the original CurveFS name rule ^([a-z0-9]+-?)+$)
        for (String name : List.of("Upper-Case", "under_score", "-leading", "double--dash", "x".repeat(65),
                "sp ace")) {
            assertOneLineFailure(cluster.tool(createFsArgs(s3, name)), 1, "create-fs: FSNAME_INVALID");
        }
        assertFalse(cluster.tool("list-fs").stdout().contains("Upper-Case"));
    }

    @Test
    void repeatedCreateFsWithOtherParametersIsRefusedAndWithTheSameIsAccepted() {
        assertOneLineFailure(cluster.tool(createFsArgs(s3, FS, "--s3-blocksize", "8MiB")), 1, "create-fs: FS_EXIST");
        assertOneLineFailure(cluster.tool(createFsArgs(s3, FS, "--capacity", "1GiB")), 1, "create-fs: FS_EXIST");
        ok(cluster.tool(createFsArgs(s3, FS)));
    }

    @Test
    void unknownFsIsReported() {
        assertOneLineFailure(cluster.tool("delete-fs", "--fsname", "no-such-fs", "--yes"), 1,
                "delete-fs: NOT_FOUND", "no-such-fs");
        assertOneLineFailure(cluster.tool("list-partition", "--fsname", "no-such-fs"), 1,
                "list-partition: NOT_FOUND", "no-such-fs");
        assertOneLineFailure(cluster.tool("umount-fs", "--fsname", "no-such-fs", "--mountpoint", "h:1:/mnt"), 1,
                "umount-fs: NOT_FOUND", "no-such-fs");
    }

    @Test
    void malformedOrContradictingTopologyIsRefused() throws IOException {
        Path dir = cluster.workDir().resolve("bad-topology");
        Files.createDirectories(dir);
        String good = Files.readString(cluster.workDir().resolve("conf/topology.json"));

        Path syntax = Files.writeString(dir.resolve("syntax.json"), good.substring(0, good.length() / 2));
        assertOneLineFailure(cluster.tool("create-topology", "--file", syntax.toString()), 2, "not valid JSON");
        Path unknownKey = Files.writeString(dir.resolve("unknown.json"), good.replace("\"zonenum\"", "\"zones\""));
        assertOneLineFailure(cluster.tool("create-topology", "--file", unknownKey.toString()), 2,
                "unknown key \"zones\"");
        Path wrongType = Files.writeString(dir.resolve("type.json"), good.replace("\"replicasnum\":3",
                "\"replicasnum\":\"3\""));
        assertOneLineFailure(cluster.tool("create-topology", "--file", wrongType.toString()), 2,
                "pools[0].replicasnum", "expected an integer");

        // well-formed, but server0 moves to another zone: the MDS refuses to rewrite the cluster
        Path moved = Files.writeString(dir.resolve("moved.json"), good.replaceFirst("\"zone\":\"zone1\"",
                "\"zone\":\"zone2\""));
        assertOneLineFailure(cluster.tool("create-topology", "--file", moved.toString()), 1,
                "create-topology: TOPOLOGY_INVALID");
        ok(cluster.tool("create-topology", "--file", cluster.workDir().resolve("conf/topology.json").toString()));
        ok(cluster.tool("status"));
    }

    @Test
    void toolConfigProblemsAreNamed() throws IOException {
        Path dir = cluster.workDir().resolve("bad-conf");
        Files.createDirectories(dir);
        Path noAddrs = Files.writeString(dir.resolve("no-addrs.conf"), "cluster.token=" + cluster.clusterToken() + "\n");
        assertOneLineFailure(cluster.runBin("curvefs-tool", "--conf", noAddrs.toString(), "list-fs"), 2,
                "missing key mds.addrs");
        Path wrongToken = Files.writeString(dir.resolve("wrong-token.conf"), "cluster.token=not-the-token\nmds.addrs="
                + String.join(",", cluster.mdsAddrs()) + "\n");
        assertOneLineFailure(cluster.runBin("curvefs-tool", "--conf", wrongToken.toString(), "list-fs"), 1,
                "list-fs: UNAUTHENTICATED");
    }

    @Test
    void mdsWithBrokenConfExitsTwoNamingTheKey() throws IOException {
        Path dir = cluster.workDir().resolve("bad-mds-conf");
        Files.createDirectories(dir);
        // a copy of mds0.conf with its own data dir, so that nothing of the running mds0 is touched
        List<String> conf = Files.readAllLines(cluster.mdsConf(0)).stream()
                .map(l -> l.startsWith("mds.data.dir=") ? "mds.data.dir=" + dir.resolve("data") : l)
                .toList();

        Path missing = Files.write(dir.resolve("missing.conf"),
                conf.stream().filter(l -> !l.startsWith("mds.peers=")).toList());
        assertServerRefusesConf(cluster.runBin("curvefs-mds", "--conf", missing.toString()), "mds.peers");

        Path invalid = Files.write(dir.resolve("invalid.conf"), conf.stream()
                .map(l -> l.startsWith("mds.raft.electionTimeoutMs=") ? "mds.raft.electionTimeoutMs=soon" : l)
                .toList());
        assertServerRefusesConf(cluster.runBin("curvefs-mds", "--conf", invalid.toString()),
                "mds.raft.electionTimeoutMs");

        Path typo = Files.write(dir.resolve("typo.conf"), conf.stream()
                .map(l -> l.startsWith("mds.rpc.threads=") ? "mds.rpc.thread=16" : l).toList());
        assertServerRefusesConf(cluster.runBin("curvefs-mds", "--conf", typo.toString()), "mds.rpc.thread");
    }

    @Test
    void metaserverWithWrongTokenExitsAndTheClusterStaysHealthy() throws IOException {
        int victim = cluster.metaserverAddrs().size() - 1;
        Path meta = cluster.metaserverDataDir(victim).resolve("metaserver.meta");
        byte[] original = Files.readAllBytes(meta);
        cluster.killMetaserver(victim);
        String forged = Files.readString(meta).lines()
                .map(l -> l.startsWith("token=") ? "token=forged-token" : l)
                .collect(Collectors.joining("\n", "", "\n"));
        assertNotEquals(new String(original), forged, "metaserver.meta holds a token line");
        Files.writeString(meta, forged);
        long logStart = Files.size(cluster.logFile("metaserver" + victim));
        try {
            cluster.startMetaserver(victim);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (cluster.isMetaserverRunning(victim) && System.nanoTime() < deadline) {
                ToolChecks.sleep(200);
            }
            Integer exit = cluster.metaserverExitCode(victim);
            assertNotNull(exit, "a metaserver with a forged token must exit");
            assertNotEquals(0, exit.intValue());
            String log = Files.readString(cluster.logFile("metaserver" + victim)).substring((int) logStart);
            assertTrue(log.contains("TOKEN_MISMATCH"), "the metaserver says why it exits:\n" + log);
            assertFalse(log.contains("\tat "), "no stack trace for an expected refusal:\n" + log);
        } finally {
            // with its real identity back, the same data dir serves again (also after a failed check,
            // so that the next test finds the cluster whole)
            Files.write(meta, original);
            if (!cluster.isMetaserverRunning(victim)) {
                cluster.startMetaserver(victim);
            }
        }
        ToolChecks.awaitHealthy(cluster, 60);
    }

    /** Exit code 2 and a line naming the key; no stack trace, and never a running server. */
    private static void assertServerRefusesConf(ToolResult r, String key) {
        String output = r.stdout() + r.stderr();
        assertEquals(2, r.exitCode(), output);
        assertTrue(r.stderr().lines().anyMatch(l -> l.contains(key)), "stderr names " + key + ":\n" + output);
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), output);
    }
}
