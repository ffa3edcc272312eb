package io.curvefs.tests.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real mount: bin/curve-fuse as its own process, through the kernel's FUSE. {@link #mount} returns
 * once the mount point shows in /proc/mounts; {@link #close} unmounts with fusermount -u (so the client
 * flushes and ends its session), and kills the process and lazily unmounts if that does not end it.
 */
final class MountedFs implements AutoCloseable {
    private static final Duration MOUNT_WAIT = Duration.ofSeconds(60);
    /** An unmount flushes every file to S3 first: generous, but bounded. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(90);
    private static final String JAVA_OPTS = "-Xms64m -Xmx1g -XX:+UseSerialGC";

    private final Path mountpoint;
    private final Path log;
    private final Process process;

    private MountedFs(Path mountpoint, Path log, Process process) {
        this.mountpoint = mountpoint;
        this.log = log;
        this.process = process;
    }

    static MountedFs mount(Path clientConf, String fsName, Path mountpoint, Path log) throws IOException {
        Files.createDirectories(mountpoint);
        Files.createDirectories(log.getParent());
        Path launcher = MountCluster.repoRoot().resolve("bin/curve-fuse");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--conf", clientConf.toString(),
                "--fsname", fsName, mountpoint.toString());
        pb.environment().put("JAVA_OPTS", JAVA_OPTS);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        MountedFs fs = new MountedFs(mountpoint, log, pb.start());
        try {
            fs.awaitMounted();
            return fs;
        } catch (RuntimeException | Error e) {
            fs.close();
            throw e;
        }
    }

    Path path() {
        return mountpoint;
    }

    private void awaitMounted() {
        long deadline = System.nanoTime() + MOUNT_WAIT.toNanos();
        while (!isMounted(mountpoint)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("curve-fuse exited with " + process.exitValue()
                        + " before mounting " + mountpoint + "; log:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(mountpoint + " not mounted after " + MOUNT_WAIT + "; log:\n" + tail());
            }
            sleep(100);
        }
    }

    static boolean isMounted(Path mountpoint) {
        try {
            String target = " " + mountpoint.toAbsolutePath() + " ";
            return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unmounts like a user would and waits for the client to flush and exit; returns its exit code.
     * Falls back to killing it and a lazy unmount, so nothing outlives the test.
     */
    int unmount() {
        try {
            if (isMounted(mountpoint)) {
                run("fusermount", "-u", mountpoint.toString());
            }
            if (process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            throw new IllegalStateException("curve-fuse did not exit within " + EXIT_WAIT + " of the unmount; log:\n" + tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unmounting " + mountpoint, e);
        } finally {
            process.destroyForcibly();
            if (isMounted(mountpoint)) {
                run("umount", "-l", mountpoint.toString());
            }
        }
    }

    /**
     * SIGTERM to the client (the launcher execs the JVM, so this is the JVM itself), as a service manager
     * would stop it; waits for it to unmount, flush and exit, and returns its exit code.
     */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("curve-fuse did not exit within " + EXIT_WAIT + " of SIGTERM; log:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL: the client gets no chance to unmount, so the kernel mount stays behind, disconnected. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("curve-fuse survived SIGKILL for " + EXIT_WAIT);
        }
    }

    @Override
    public void close() {
        if (process.isAlive() || isMounted(mountpoint)) {
            unmount();
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
