package io.curvefs.tests.mount;

import io.curvefs.tests.cluster.CommandRunner;
import io.curvefs.tests.cluster.LocalCluster.ToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mount(8) helper as an operator uses it: {@code bin/curvefs install-mount-helper}, then
 * {@code mount -t curvefs}, an fstab line and {@code umount}; refusals exit non-zero in bounded time and
 * leave no mount. Also {@code bin/curvefs bench} on a real mount next to a local directory, sharing the
 * cluster. The helper starts curve-fuse detached, so these mounts are not children of the test: each is
 * unmounted in a finally and its curve-fuse, found by its command line, waited for (killed if it hangs).
 */
class MountHelperTest {
    private static final Path HELPER = Path.of("/sbin/mount.curvefs");
    /** The helper's own wait is 60 s plus 10 s to stop curve-fuse: only a helper that hangs reaches this. */
    private static final long MOUNT_TIMEOUT_SEC = 120;
    private static final long CLIENT_EXIT_SEC = 90;
    private static final String CLIENT_MAIN = "io.curvefs.client.CurveFuseMain";

    private static MountCluster env;
    /** What /sbin/mount.curvefs held before (null: nothing), put back afterwards. */
    private static byte[] previousHelper;

    @BeforeAll
    static void setUp() throws IOException {
        previousHelper = Files.exists(HELPER) ? Files.readAllBytes(HELPER) : null;
        env = MountCluster.start(MountHelperTest.class, "helperfs");
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            if (env != null) {
                env.close();
            }
        } finally {
            if (previousHelper != null) {
                Files.write(HELPER, previousHelper);
            } else {
                Files.deleteIfExists(HELPER);
            }
        }
    }

    @Test
    void installIsIdempotentAndMountUmountWorkThroughIt() throws Exception {
        ToolResult first = install();
        ToolResult again = install();
        assertEquals("/sbin/mount.curvefs is already installed (runs " + repoBin("mount.curvefs") + ")",
                again.stdout().strip(), first.stdout());
        assertTrue(Files.readString(HELPER).contains("exec " + repoBin("mount.curvefs") + " \"$@\""),
                Files.readString(HELPER));

        byte[] content = "written through mount -t curvefs\n".getBytes(StandardCharsets.UTF_8);
        mountedByHelper("helper-mnt", dir -> List.of("-t", "curvefs", env.fsName, dir.toString(),
                "-o", "conf=" + env.clientConf), dir -> {
            Files.write(dir.resolve("f"), content);
            assertEquals(new String(content, StandardCharsets.UTF_8), Files.readString(dir.resolve("f")));
            assertTrue(listMountpoints().contains("helper-mnt"), "the session is registered at the MDS");

            ToolResult umount = CommandRunner.run(List.of("umount", dir.toString()), env.workDir.resolve("logs"), 60);
            assertEquals(0, umount.exitCode(), umount.stderr());
            assertTrue(awaitClientsGone(dir), "curve-fuse exits after umount; log:\n" + clientLog(dir));
            assertFalse(listMountpoints().contains("helper-mnt"), "umount ended the session at the MDS");
        });
        try (MountedFs fs = env.mount("helper-check")) {
            assertEquals(new String(content, StandardCharsets.UTF_8), Files.readString(fs.path().resolve("f")));
        }
    }

    @Test
    void anFstabLineMountsWithMountsOwnOptionsIgnored() throws Exception {
        Path fstab = env.workDir.resolve("fstab");
        mountedByHelper("fstab-mnt", dir -> {
            Files.writeString(fstab, "# an alternative fstab (mount -T), so the host's /etc/fstab stays untouched\n"
                    + env.fsName + " " + dir + " curvefs defaults,_netdev,noauto,nofail,conf=" + env.clientConf + " 0 0\n");
            return List.of("-T", fstab.toString(), dir.toString());
        }, dir -> {
            Files.writeString(dir.resolve("from-fstab"), "fstab\n");
            assertEquals("fstab\n", Files.readString(dir.resolve("from-fstab")));
        });
    }

    @Test
    void roMountsReadOnly() throws Exception {
        mountedByHelper("ro-mnt", dir -> List.of("-t", "curvefs", env.fsName, dir.toString(),
                "-o", "ro,conf=" + env.clientConf), dir -> {
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Files.writeString(dir.resolve("nope"), "x"));
            assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e.toString());
            try (Stream<Path> list = Files.list(dir)) {
                assertFalse(list.anyMatch(p -> p.getFileName().toString().equals("nope")));
            }
        });
    }

    @Test
    void withoutConfTheHelperSaysWhatIsMissing() throws Exception {
        install();
        Path dir = Files.createDirectories(env.workDir.resolve("noconf-mnt"));
        ToolResult mount = mount("-t", "curvefs", env.fsName, dir.toString(), "-o", "_netdev");
        assertEquals(1, mount.exitCode(), mount.stderr());
        assertTrue(mount.stderr().contains("mount.curvefs: missing option conf=PATH"), mount.stderr());
        assertFalse(MountedFs.isMounted(dir));
        assertEquals(List.of(), clientsServing(dir));
    }

    @Test
    void anUnknownFileSystemFailsWithExit32AndLeavesNoMount() throws Exception {
        install();
        Path dir = Files.createDirectories(env.workDir.resolve("nofs-mnt"));
        try {
            long start = System.nanoTime();
            ToolResult mount = mount("-t", "curvefs", "no-such-fs", dir.toString(), "-o", "conf=" + env.clientConf);
            assertEquals(32, mount.exitCode(), mount.stderr());
            assertTrue(mount.stderr().contains("curve-fuse exited"), mount.stderr());
            assertTrue(mount.stderr().contains("no-such-fs"), "the log's tail says why: " + mount.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(70), "within the helper's 60 s");
            assertFalse(MountedFs.isMounted(dir));
            assertEquals(List.of(), clientsServing(dir));
        } finally {
            cleanUp(dir, "no-such-fs");
        }
    }

    @Test
    void aMountThatDoesNotComeUpInTimeIsStoppedWithExit32() throws Exception {
        install();
        Path dir = Files.createDirectories(env.workDir.resolve("slow-mnt"));
        // nothing listens on port 1: curve-fuse retries for its 20 s RPC deadline, far beyond the 3 s wait
        Path conf = env.workDir.resolve("unreachable.conf");
        Files.writeString(conf, "cluster.token=" + env.cluster.clusterToken() + "\nmds.addrs=127.0.0.1:1\n");
        try {
            long start = System.nanoTime();
            ToolResult mount = run(List.of("env", "CURVEFS_MOUNT_WAIT_SECS=3", "mount", "-t", "curvefs", env.fsName,
                    dir.toString(), "-o", "conf=" + conf));
            assertEquals(32, mount.exitCode(), mount.stderr());
            assertTrue(mount.stderr().contains(dir + " not mounted after 3s"), mount.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "gave up before curve-fuse did");
            assertFalse(MountedFs.isMounted(dir));
            assertEquals(List.of(), clientsServing(dir), "the helper stopped the curve-fuse it started");
        } finally {
            cleanUp(dir, env.fsName);
        }
    }

    @Test
    void benchMeasuresAMountAndALocalDirectory() throws Exception {
        Path local = Files.createDirectories(env.workDir.resolve("bench-local"));
        try (MountedFs fs = env.mount("bench-mnt")) {
            ToolResult bench = CommandRunner.run(List.of(repoBin("curvefs").toString(), "bench", "--quick",
                    "--items", "50", "--size", "16MiB", "--random-ops", "200", fs.path().toString(), local.toString()),
                    env.workDir.resolve("logs"), 300);
            assertEquals(0, bench.exitCode(), bench.stderr());
            List<String> rows = bench.stdout().lines().takeWhile(l -> !l.isBlank()).toList();
            assertEquals(17, rows.size(), bench.stdout());
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split("\\s{2,}");
                if (cells[0].startsWith("client RSS")) {
                    // curve-fuse is found for the mount; a local directory has no client
                    assertTrue(Double.parseDouble(cells[2].replace(",", "")) > 10, row);
                    assertEquals("n/a", cells[3], row);
                } else {
                    assertTrue(Double.parseDouble(cells[2].replace(",", "")) > 0, row);
                    assertTrue(Double.parseDouble(cells[3].replace(",", "")) > 0, row);
                }
            }
            assertTrue(bench.stdout().contains(fs.path() + " is served by curve-fuse pid"), bench.stdout());
            try (Stream<Path> left = Files.list(fs.path())) {
                assertEquals(List.of(), left.toList(), "the bench cleans up after itself on the mount");
            }
        }
    }

    @FunctionalInterface
    private interface MountArgs {
        List<String> of(Path dir) throws IOException;
    }

    @FunctionalInterface
    private interface OnMount {
        void run(Path dir) throws Exception;
    }

    /** Mounts with mount(8) and the given arguments at workDir/name, runs body, and always cleans up. */
    private static void mountedByHelper(String name, MountArgs mountArgs, OnMount body) throws Exception {
        install();
        Path dir = Files.createDirectories(env.workDir.resolve(name));
        try {
            ToolResult mount = mount(mountArgs.of(dir).toArray(String[]::new));
            assertEquals(0, mount.exitCode(), mount.stderr());
            assertTrue(MountedFs.isMounted(dir), "mounted when mount(8) returns");
            body.run(dir);
        } finally {
            cleanUp(dir, env.fsName);
        }
    }

    private static ToolResult install() {
        ToolResult r = CommandRunner.run(List.of(repoBin("curvefs").toString(), "install-mount-helper"),
                env.workDir.resolve("logs"), 30);
        assertEquals(0, r.exitCode(), r.stderr());
        return r;
    }

    private static ToolResult mount(String... args) {
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static ToolResult run(List<String> command) {
        return CommandRunner.run(command, env.workDir.resolve("logs"), MOUNT_TIMEOUT_SEC);
    }

    private static Path repoBin(String name) {
        return MountCluster.repoRoot().resolve("bin").resolve(name);
    }

    private static String listMountpoints() {
        ToolResult r = env.cluster.tool("list-mountpoint");
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout();
    }

    /** Where mount.curvefs documents the log of a mount of fsName at dir. */
    private static Path helperLog(String fsName, Path dir) {
        return Path.of("/var/log/curvefs", "curve-fuse-" + fsName + "-"
                + dir.toString().substring(1).replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
    }

    private static String clientLog(Path dir) {
        Path log = helperLog(env.fsName, dir);
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e + ")";
        }
    }

    /** The pids of curve-fuse processes whose mount point is dir. */
    private static List<Long> clientsServing(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    List<String> args = commandLine(p.pid());
                    return args.contains(CLIENT_MAIN) && args.contains(dir.toString());
                })
                .map(ProcessHandle::pid).toList();
    }

    private static List<String> commandLine(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        } catch (IOException e) {
            return List.of(); // exited meanwhile
        }
    }

    private static boolean awaitClientsGone(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLIENT_EXIT_SEC);
        while (!clientsServing(dir).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Nothing outlives a test: unmount (lazily if need be), then the client flushes and exits, or is killed. */
    private static void cleanUp(Path dir, String fsName) throws InterruptedException, IOException {
        if (MountedFs.isMounted(dir)) {
            CommandRunner.run(List.of("umount", dir.toString()), env.workDir.resolve("logs"), 60);
        }
        if (MountedFs.isMounted(dir)) {
            CommandRunner.run(List.of("umount", "-l", dir.toString()), env.workDir.resolve("logs"), 60);
        }
        if (!awaitClientsGone(dir)) {
            clientsServing(dir).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        // kept with the cluster's logs for post-mortems, rather than piling up in /var/log across runs
        Path log = helperLog(fsName, dir);
        if (Files.exists(log)) {
            Files.move(log, Files.createDirectories(env.workDir.resolve("logs")).resolve(dir.getFileName() + ".helper.log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
