package io.curvefs.tests.clustercore;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import io.curvefs.tests.cluster.LocalCluster.ToolResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cluster tests assert about bin/curvefs-tool runs, and the arguments they repeat. */
final class ToolChecks {
    private ToolChecks() {
    }

    /** A fresh work dir per run under target/, kept after the test for its logs. */
    static Path workDir(Class<?> testClass) {
        return Path.of("target", "clusters", testClass.getSimpleName() + "-" + System.currentTimeMillis())
                .toAbsolutePath();
    }

    static ToolResult ok(ToolResult r) {
        assertEquals(0, r.exitCode(), "tool failed; stderr: " + r.stderr() + "\nstdout: " + r.stdout());
        return r;
    }

    /** Runs a tool command with --format json, requires success, and parses its stdout. */
    static JsonObject json(LocalCluster cluster, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--format");
        all.add("json");
        ToolResult r = ok(cluster.tool(all.toArray(String[]::new)));
        return JsonParser.parseString(r.stdout()).getAsJsonObject();
    }

    /** A failure as the tool promises it: the given exit code and one line on stderr naming the problem. */
    static void assertOneLineFailure(ToolResult r, int exitCode, String... expected) {
        String err = r.stderr().strip();
        assertEquals(exitCode, r.exitCode(), "exit code; stderr: " + err + "\nstdout: " + r.stdout());
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        assertTrue(err.startsWith("curvefs-tool: "), err);
        for (String part : expected) {
            assertTrue(err.contains(part), "'" + err + "' lacks '" + part + "'");
        }
    }

    /** Polls `status` until it says healthy (exit 0); fails with its last output after {@code seconds}. */
    static void awaitHealthy(LocalCluster cluster, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ToolResult last;
        do {
            last = cluster.tool("status");
            if (last.exitCode() == 0) {
                return;
            }
            sleep(1_000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("cluster not healthy after " + seconds + " s; status exit " + last.exitCode()
                + ":\n" + last.stdout() + last.stderr());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String[] createFsArgs(EmbeddedS3 s3, String fsName, String... extra) {
        List<String> args = new ArrayList<>(List.of("create-fs", "--fsname", fsName,
                "--s3-endpoint", s3.endpoint(), "--s3-ak", s3.accessKey(), "--s3-sk", s3.secretKey(),
                "--s3-bucket", s3.bucket()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static JsonObject findFs(JsonObject listFs, String fsName) {
        for (JsonElement e : listFs.getAsJsonArray("fsInfos")) {
            if (e.getAsJsonObject().get("fsName").getAsString().equals(fsName)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("fs " + fsName + " not in list-fs output " + listFs);
    }

    /** The copyset entry of list-copyset --format json with that pool and copyset id. */
    static JsonObject findCopyset(JsonArray copysets, int poolId, int copysetId) {
        for (JsonElement e : copysets) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("poolId").getAsInt() == poolId && c.get("copysetId").getAsInt() == copysetId) {
                return c;
            }
        }
        throw new AssertionError("copyset " + poolId + "/" + copysetId + " not in list-copyset output " + copysets);
    }
}
