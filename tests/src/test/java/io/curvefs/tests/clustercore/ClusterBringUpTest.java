package io.curvefs.tests.clustercore;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import io.curvefs.tests.cluster.LocalCluster.ToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.curvefs.tests.clustercore.ToolChecks.createFsArgs;
import static io.curvefs.tests.clustercore.ToolChecks.findCopyset;
import static io.curvefs.tests.clustercore.ToolChecks.findFs;
import static io.curvefs.tests.clustercore.ToolChecks.json;
import static io.curvefs.tests.clustercore.ToolChecks.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Show 1: 3 MDS + 3 metaservers come up from conf/ with the bin/ scripts; `curvefs-tool status` says healthy;
 * create-fs makes an fs whose partitions sit on copysets of 3 replicas in 3 zones; list-fs shows it.
 */
class ClusterBringUpTest {
    private static ClusterWithS3 env;
    private static EmbeddedS3 s3;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        env = ClusterWithS3.start(ClusterBringUpTest.class);
        s3 = env.s3();
        cluster = env.cluster();
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void statusSaysHealthy() {
        ToolResult r = ok(cluster.tool("status"));
        List<String> lines = r.stdout().strip().lines().toList();
        assertEquals("cluster is healthy", lines.get(lines.size() - 1), r.stdout());
        for (String mds : cluster.mdsAddrs()) {
            assertTrue(r.stdout().contains(mds), "status lists " + mds + ":\n" + r.stdout());
        }
        JsonObject status = json(cluster, "status");
        assertTrue(status.get("healthy").getAsBoolean(), status.toString());
        assertEquals(3, status.getAsJsonArray("mds").size());
        long leaders = 0;
        for (JsonElement m : status.getAsJsonArray("mds")) {
            assertTrue(m.getAsJsonObject().get("up").getAsBoolean(), m.toString());
            leaders += m.getAsJsonObject().get("leader").getAsBoolean() ? 1 : 0;
        }
        assertEquals(1, leaders, "exactly one MDS leads: " + status);
        assertEquals(3, status.getAsJsonArray("metaservers").size());
    }

    @Test
    void createFsPlacesPartitionsOnCopysetsOfThreeReplicasInThreeZones() {
        ok(cluster.tool(createFsArgs(s3, "show1-fs")));

        JsonObject fs = findFs(json(cluster, "list-fs"), "show1-fs");
        assertEquals("INITED", fs.get("status").getAsString(), fs.toString());
        assertEquals(s3.bucket(), fs.getAsJsonObject("s3Info").get("bucket").getAsString());
        ToolResult table = ok(cluster.tool("list-fs"));
        assertTrue(table.stdout().contains("show1-fs"), table.stdout());
        assertFalse(table.stdout().contains(s3.secretKey()) || fs.toString().contains(s3.secretKey()),
                "list-fs never prints the S3 secret key");

        JsonArray partitions = json(cluster, "list-partition", "--fsname", "show1-fs").getAsJsonArray("partitions");
        assertFalse(partitions.isEmpty(), "create-fs made partitions");
        JsonArray copysets = json(cluster, "list-copyset").getAsJsonArray("copysets");
        for (JsonElement e : partitions) {
            JsonObject p = e.getAsJsonObject();
            assertEquals(fs.get("fsId").getAsInt(), p.get("fsId").getAsInt(), p.toString());
            JsonObject c = findCopyset(copysets, p.get("poolId").getAsInt(), p.get("copysetId").getAsInt());
            assertEquals(3, c.getAsJsonArray("peers").size(), c.toString());
            Set<String> zones = new HashSet<>();
            c.getAsJsonArray("zones").forEach(z -> zones.add(z.getAsString()));
            assertEquals(3, zones.size(), "replicas in 3 distinct zones: " + c);
            Set<String> peers = new HashSet<>();
            c.getAsJsonArray("peers").forEach(peer -> peers.add(peer.getAsJsonObject().get("address").getAsString()));
            assertTrue(cluster.metaserverAddrs().containsAll(peers), "peers are our metaservers: " + c);
        }
        // the new copysets elect leaders and report them in heartbeats: then the whole cluster is healthy
        ToolChecks.awaitHealthy(cluster, 30);
        awaitLeadersSpread(partitions);
    }

    /** DESIGN.md §3: the fs's copysets end up led by different metaservers (the MDS balances leaders). */
    private static void awaitLeadersSpread(JsonArray partitions) {
        Set<String> fsCopysets = new HashSet<>();
        partitions.forEach(p -> fsCopysets.add(p.getAsJsonObject().get("poolId").getAsInt() + "/"
                + p.getAsJsonObject().get("copysetId").getAsInt()));
        long deadline = System.nanoTime() + 60_000_000_000L;
        Set<String> leaders = new HashSet<>();
        while (System.nanoTime() < deadline) {
            leaders.clear();
            for (JsonElement e : json(cluster, "list-copyset").getAsJsonArray("copysets")) {
                JsonObject c = e.getAsJsonObject();
                if (fsCopysets.contains(c.get("poolId").getAsInt() + "/" + c.get("copysetId").getAsInt())) {
                    leaders.add(c.get("leader").getAsString());
                }
            }
            if (leaders.size() >= Math.min(3, fsCopysets.size()) && !leaders.contains("")) {
                return;
            }
            ToolChecks.sleep(1000);
        }
        throw new AssertionError("copysets " + fsCopysets + " still led by " + leaders + " after 60 s");
    }
}
