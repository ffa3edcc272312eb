package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/curve-fuse as a command: refusals leave no mount and say why in one line; SIGTERM unmounts,
 * flushes and ends the session at the MDS, and the data is there at the next mount; after kill -9,
 * umount clears the dead mount and a remount at the same path works (issue 3, Show 6).
 */
class CurveFuseCommandTest {
    private static final long RUN_TIMEOUT_SEC = 60;

    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(CurveFuseCommandTest.class, "cmdfs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    private record Run(int exitCode, List<String> errorLines) {
    }

    @Test
    void aConfWithAnUnknownKeyIsRefusedWithExitCode2() throws Exception {
        Path conf = env.workDir.resolve("typo.conf");
        Files.writeString(conf, Files.readString(env.clientConf) + "client.atrTimeoutMs=5\n");
        Path mnt = Files.createDirectories(env.workDir.resolve("typo-mnt"));
        Run run = run(conf, env.fsName, mnt);
        assertEquals(2, run.exitCode());
        assertEquals(1, run.errorLines().size(), () -> "stderr: " + run.errorLines());
        assertTrue(run.errorLines().get(0).contains("client.atrTimeoutMs"), run.errorLines().get(0));
        assertFalse(MountedFs.isMounted(mnt));
    }

    @Test
    void anUnknownFileSystemIsRefusedWithoutAMount() throws Exception {
        Path mnt = Files.createDirectories(env.workDir.resolve("nofs-mnt"));
        Run run = run(env.clientConf, "no-such-fs", mnt);
        assertEquals(1, run.exitCode());
        List<String> ours = run.errorLines().stream().filter(l -> l.startsWith("curve-fuse:")).toList();
        assertEquals(1, ours.size(), () -> "stderr: " + run.errorLines());
        assertTrue(ours.get(0).contains("no-such-fs"), ours.get(0));
        assertFalse(MountedFs.isMounted(mnt));
    }

    @Test
    void sigtermUnmountsFlushesAndEndsTheSession() throws Exception {
        byte[] content = "written just before SIGTERM\n".getBytes(StandardCharsets.UTF_8);
        try (MountedFs fs = env.mount("term")) {
            Files.write(fs.path().resolve("f"), content);
            assertTrue(listMountpoints().contains("term"), "the mount is registered at the MDS");
            fs.terminate();
            assertTrue(Waiting.until(() -> !MountedFs.isMounted(fs.path())), "SIGTERM unmounts");
            assertFalse(listMountpoints().contains("term"), "the session ended at the MDS");
        }
        try (MountedFs fs = env.mount("term")) {
            assertEquals(new String(content, StandardCharsets.UTF_8),
                    Files.readString(fs.path().resolve("f"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void afterKill9UmountClearsTheMountAndARemountWorks() throws Exception {
        byte[] content = "closed before the kill\n".getBytes(StandardCharsets.UTF_8);
        try (MountedFs fs = env.mount("killed")) {
            Files.write(fs.path().resolve("f"), content);
            fs.kill();
            assertTrue(MountedFs.isMounted(fs.path()), "a killed client leaves its mount behind");
            Process umount = new ProcessBuilder("umount", fs.path().toString()).inheritIO().start();
            assertTrue(umount.waitFor(RUN_TIMEOUT_SEC, TimeUnit.SECONDS), "umount finishes");
            assertEquals(0, umount.exitValue(), "umount of the disconnected mount");
            assertFalse(MountedFs.isMounted(fs.path()));
        }
        // the MDS still holds the dead client's session for this path: the new mount takes it over
        try (MountedFs fs = env.mount("killed")) {
            assertEquals(new String(content, StandardCharsets.UTF_8),
                    Files.readString(fs.path().resolve("f"), StandardCharsets.UTF_8));
        }
    }

    private static String listMountpoints() {
        var result = env.cluster.tool("list-mountpoint");
        assertEquals(0, result.exitCode(), result.stderr());
        return result.stdout();
    }

    private static Run run(Path conf, String fsName, Path mnt) throws IOException, InterruptedException {
        Path err = env.workDir.resolve("logs").resolve(mnt.getFileName() + ".stderr");
        Files.createDirectories(err.getParent());
        Process p = new ProcessBuilder(MountCluster.repoRoot().resolve("bin/curve-fuse").toString(),
                "--conf", conf.toString(), "--fsname", fsName, mnt.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        if (!p.waitFor(RUN_TIMEOUT_SEC, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("curve-fuse did not give up within " + RUN_TIMEOUT_SEC + " s");
        }
        return new Run(p.exitValue(), Files.readAllLines(err).stream()
                .filter(l -> !l.contains("sofa") && !l.contains("Sofa") && !l.contains("jraft")).toList());
    }
}
