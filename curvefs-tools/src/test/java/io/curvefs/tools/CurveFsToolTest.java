package io.curvefs.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument and configuration errors: each is one line on stderr and exit code 2, before any RPC. */
class CurveFsToolTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CurveFsTool.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Result r, int expectedCode, String expectedInMessage) {
        assertEquals(expectedCode, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("curvefs-tool: "), "prefix: " + err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(expectedInMessage), "'" + err + "' lacks '" + expectedInMessage + "'");
    }

    private Path conf(String text) throws Exception {
        Path file = dir.resolve("tools.conf");
        Files.writeString(file, text);
        return file;
    }

    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("create-fs"), "usage lists the commands: " + r.err());
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        assertOneLineError(run("make-fs"), 2, "make-fs");
        assertOneLineError(run("list-fs", "--colour"), 2, "--colour");
    }

    @Test
    void missingRequiredOptionIsNamed() {
        assertOneLineError(run("delete-fs"), 2, "--fsname");
        assertOneLineError(run("create-fs", "--fsname", "a", "--s3-ak", "x", "--s3-sk", "y", "--s3-bucket", "b"),
                2, "--s3-endpoint");
    }

    @Test
    void badValuesAreRejected() {
        assertOneLineError(run("list-fs", "--format", "xml"), 2, "xml");
        assertOneLineError(run("create-fs", "--fsname", "a", "--s3-endpoint", "http://h", "--s3-ak", "x",
                "--s3-sk", "y", "--s3-bucket", "b", "--s3-blocksize", "4 parsecs"), 2, "not a size");
    }

    @Test
    void unsupportedFsTypeIsRefusedBeforeConnecting() throws Exception {
        Path c = conf("cluster.token=t\nmds.addrs=127.0.0.1:" + deadPort() + "\n");
        assertOneLineError(run("--conf", c.toString(), "create-fs", "--fsname", "a", "--fstype", "volume",
                "--s3-endpoint", "http://h", "--s3-ak", "x", "--s3-sk", "y", "--s3-bucket", "b"), 2, "only s3");
    }

    @Test
    void malformedMountpointIsRefused() throws Exception {
        Path c = conf("cluster.token=t\nmds.addrs=127.0.0.1:" + deadPort() + "\n");
        assertOneLineError(run("--conf", c.toString(), "umount-fs", "--fsname", "a", "--mountpoint", "host:/mnt"),
                2, "host:port:/path");
    }

    @Test
    void deleteWithoutTerminalOrYesIsRefused() throws Exception {
        // the test JVM has no console, like a script: without --yes nothing may be deleted
        Path c = conf("cluster.token=t\nmds.addrs=127.0.0.1:" + deadPort() + "\n");
        assertOneLineError(run("--conf", c.toString(), "delete-fs", "--fsname", "a"), 2, "--yes");
    }

    @Test
    void configurationProblemsAreNamed() throws Exception {
        assertOneLineError(run("--conf", dir.resolve("absent.conf").toString(), "list-fs"), 2, "absent.conf");
        Path noAddrs = conf("cluster.token=t\n");
        assertOneLineError(run("--conf", noAddrs.toString(), "list-fs"), 2, "mds.addrs");
        Path typo = conf("cluster.token=t\nmds.addrs=127.0.0.1:6700\nmds.adrs=x\n");
        assertOneLineError(run("--conf", typo.toString(), "list-fs"), 2, "mds.adrs");
        Path badAddr = conf("cluster.token=t\nmds.addrs=localhost\n");
        assertOneLineError(run("--conf", badAddr.toString(), "list-fs"), 2, "expected ip:port");
    }

    @Test
    void confOptionWorksAfterTheCommandToo() throws Exception {
        assertOneLineError(run("list-fs", "--conf", dir.resolve("later.conf").toString()), 2, "later.conf");
    }

    @Test
    void malformedTopologyIsRefusedBeforeConnecting() throws Exception {
        Path c = conf("cluster.token=t\nmds.addrs=127.0.0.1:" + deadPort() + "\n");
        Path topo = dir.resolve("topology.json");
        Files.writeString(topo, "{\"pools\":[], \"servers\":[], \"zones\":[]}");
        assertOneLineError(run("--conf", c.toString(), "create-topology", "--file", topo.toString()), 2,
                "unknown key \"zones\"");
        assertOneLineError(run("--conf", c.toString(), "create-topology", "--file", dir.resolve("none.json")
                .toString()), 2, "cannot read");
    }

    @Test
    void unreachableMdsExitsThree() throws Exception {
        Path c = conf("cluster.token=t\nmds.addrs=127.0.0.1:" + deadPort() + "\n");
        long start = System.nanoTime();
        Result r = run("--conf", c.toString(), "list-fs");
        assertOneLineError(r, 3, "list-fs: UNAVAILABLE");
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "the tool gives up after about 10 s");
    }

    @Test
    void defaultConfPathFollowsEnvironmentThenHome() {
        assertEquals(Path.of("/etc/x.conf"), ToolConf.defaultPath("/etc/x.conf", "/opt/curvefs"));
        assertEquals(Path.of("/opt/curvefs/conf/tools.conf"), ToolConf.defaultPath(null, "/opt/curvefs"));
        assertEquals(Path.of("conf/tools.conf"), ToolConf.defaultPath("", null));
    }

    @Test
    void sizesAcceptUnits() {
        SizeConverter c = new SizeConverter();
        assertEquals(4096L, c.convert("4096"));
        assertEquals(4L << 20, c.convert("4MiB"));
        assertEquals(4L << 20, c.convert("4M"));
        assertEquals(100L << 30, c.convert("100GiB"));
    }
}
