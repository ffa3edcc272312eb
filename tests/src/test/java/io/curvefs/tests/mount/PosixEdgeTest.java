package io.curvefs.tests.mount;

import io.curvefs.tests.cluster.CommandRunner;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, Show 5: edges of POSIX where a FUSE file system must do the work itself. Names longer than
 * NAME_MAX (255 bytes, counted in UTF-8) fail with ENAMETOOLONG from every call, and paths longer than
 * PATH_MAX from the kernel; every call that changes an inode changes its ctime (and mtime where POSIX
 * says so); both as a Python script prints them on ext4. And a client killed with SIGKILL leaves a mount
 * that says ENOTCONN until umount, after which a remount shows what was closed or fsynced before.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PosixEdgeTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    /** Every call on a name of 256 bytes (ASCII, then UTF-8), on names of 255, and on paths near PATH_MAX. */
    private static final String NAMES_SCRIPT = """
            set -u
            cd "$1" || exit 99
            python3 - <<'EOF'
            import errno, os

            def t(label, op, *args):
                try:
                    result = op(*args)
                    print(label, 'ok' if result is None else result)
                except OSError as e:
                    print(label, errno.errorcode[e.errno])

            def create(path):
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))

            def size(path):
                return os.stat(path).st_size

            E_ACUTE = b'\\xc3\\xa9'
            with open(b'file', 'wb') as f:
                f.write(b'data')
            os.mkdir(b'dir')
            for kind, name in (('ascii', b'a' * 256), ('utf-8', E_ACUTE * 128)):
                print('--- a name of', len(name), kind, 'bytes')
                t('open(O_CREAT)', create, name)
                t('mkdir', os.mkdir, name)
                t('mkdir below a directory', os.mkdir, b'dir/' + name)
                t('mkfifo', os.mkfifo, name)
                t('symlink', os.symlink, b'file', name)
                t('link', os.link, b'file', name)
                t('unlink', os.unlink, name)
                t('rmdir', os.rmdir, name)
                t('rename from', os.rename, name, b'other')
                t('rename to', os.rename, b'file', name)
                t('rename a directory to', os.rename, b'dir', name)
                t('stat', os.stat, name)
                t('lstat', os.lstat, name)
                t('stat below it', os.stat, name + b'/x')
                t('truncate', os.truncate, name, 0)
                t('setxattr', os.setxattr, name, b'user.x', b'1')
            for kind, name in (('ascii', b'b' * 255), ('utf-8', E_ACUTE * 127 + b'a')):
                print('--- a name of', len(name), kind, 'bytes')
                renamed = name[:-1] + b'z'
                t('open(O_CREAT)', create, name)
                t('stat', size, name)
                t('rename', os.rename, name, renamed)
                t('stat old name', size, name)
                t('stat new name', size, renamed)
                t('listed', lambda: renamed in os.listdir(b'.'))
                t('unlink', os.unlink, renamed)
                t('mkdir', os.mkdir, name)
                t('rmdir', os.rmdir, name)
                t('symlink', os.symlink, b'file', name)
                t('readlink', os.readlink, name)
                t('unlink', os.unlink, name)
                t('link', os.link, b'file', name)
                t('stat', size, name)
                t('unlink', os.unlink, name)
            print('--- paths around PATH_MAX (4096 with its NUL)')
            t('stat of a 4095-byte path', size, b'./' * 2045 + b'/file')
            t('stat of a 4096-byte path', size, b'./' * 2046 + b'file')
            t('open(O_CREAT) of a 4096-byte path', create, b'./' * 2046 + b'nope')
            t('mkdir of a 4096-byte path', os.mkdir, b'./' * 2046 + b'nope')
            t('stat of a 5000-byte path', size, b'./' * 2498 + b'file')
            print('left:', sorted(os.listdir(b'.')))
            EOF
            """;

    /** 16 calls on each of the two 256-byte names, 4 on paths of PATH_MAX bytes or more. */
    private static final int NAME_TOO_LONG_ON_EXT4 = 36;

    /** Each call, 20 ms after a stat, then stat again: did ctime and mtime go up (+), stay (=) or go down (-)? */
    private static final String TIMES_SCRIPT = """
            set -u
            cd "$1" || exit 99
            python3 - <<'EOF'
            import os, time

            def times(path):
                s = os.stat(path)
                return s.st_ctime_ns, s.st_mtime_ns

            def flag(before, after):
                return '+' if after > before else '=' if after == before else '-'

            def check(label, op, path, after_path=None):
                c0, m0 = times(path)
                time.sleep(0.02)
                op()
                c1, m1 = times(after_path or path)
                print(label, 'ctime' + flag(c0, c1), 'mtime' + flag(m0, m1))

            def reopen(flags, then=lambda fd: None):
                def op():
                    fd = os.open('f', flags)
                    try:
                        then(fd)
                    finally:
                        os.close(fd)
                return op

            with open('f', 'wb') as f:
                f.write(b'0123456789')
            check('write', reopen(os.O_WRONLY, lambda fd: os.pwrite(fd, b'abc', 3)), 'f')
            check('truncate', lambda: os.truncate('f', 5), 'f')
            check('ftruncate', reopen(os.O_WRONLY, lambda fd: os.ftruncate(fd, 2)), 'f')
            check('O_TRUNC of a non-empty file', reopen(os.O_WRONLY | os.O_TRUNC), 'f')
            check('O_TRUNC of an empty file', reopen(os.O_WRONLY | os.O_TRUNC), 'f')
            check('chmod', lambda: os.chmod('f', 0o600), 'f')
            check('chown', lambda: os.chown('f', 1234, 5678), 'f')
            check('link', lambda: os.link('f', 'g'), 'f')
            check('unlink of one of two links', lambda: os.unlink('g'), 'f')
            check('rename', lambda: os.rename('f', 'h'), 'f', 'h')
            check('setxattr', lambda: os.setxattr('h', 'user.x', b'1'), 'h')
            check('utimes to now', lambda: os.utime('h'), 'h')
            check('utimes to a given time', lambda: os.utime('h', ns=(10**18, 10**18)), 'h')
            EOF
            """;

    /** What TIMES_SCRIPT prints on ext4 (and what POSIX asks for). */
    private static final String TIMES_ON_EXT4 = """
            write ctime+ mtime+
            truncate ctime+ mtime+
            ftruncate ctime+ mtime+
            O_TRUNC of a non-empty file ctime+ mtime+
            O_TRUNC of an empty file ctime+ mtime+
            chmod ctime+ mtime=
            chown ctime+ mtime=
            link ctime+ mtime=
            unlink of one of two links ctime+ mtime=
            rename ctime+ mtime=
            setxattr ctime+ mtime=
            utimes to now ctime+ mtime+
            utimes to a given time ctime+ mtime-
            exit=0
            """;

    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(PosixEdgeTest.class, "edgefs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void namesAndPathsTooLongFailWithEnametoolongAsOnExt4() throws Exception {
        String local = runScript(NAMES_SCRIPT, Files.createDirectories(env.workDir.resolve("local-names")));
        assertEquals(NAME_TOO_LONG_ON_EXT4, local.lines().filter(l -> l.endsWith(" ENAMETOOLONG")).count(),
                () -> "the script itself misbehaves locally:\n" + local);
        assertTrue(local.endsWith("left: [b'dir', b'file']\nexit=0\n"), () -> "the script locally:\n" + local);
        try (MountedFs fs = env.mount("names")) {
            String mounted = runScript(NAMES_SCRIPT, Files.createDirectories(fs.path().resolve("names")));
            assertEquals(local, mounted, "name length checks on the mount (right) differ from ext4 (left)");
        }
    }

    @Test
    void everyChangeOfAnInodeChangesItsCtimeAsOnExt4() throws Exception {
        String local = runScript(TIMES_SCRIPT, Files.createDirectories(env.workDir.resolve("local-times")));
        assertEquals(TIMES_ON_EXT4, local, "the script itself misbehaves locally");
        try (MountedFs fs = env.mount("times")) {
            String mounted = runScript(TIMES_SCRIPT, Files.createDirectories(fs.path().resolve("times")));
            assertEquals(local, mounted, "ctime and mtime changes on the mount (right) differ from ext4 (left)");
        }
    }

    @Test
    void aKilledClientLeavesENotConnUntilUmountAndARemountShowsWhatWasDurable() throws Exception {
        Random random = new Random(5);
        byte[] closedBytes = new byte[3 << 20];
        random.nextBytes(closedBytes);
        byte[] syncedBytes = new byte[(1 << 20) + 7];
        random.nextBytes(syncedBytes);
        try (MountedFs victim = env.mount("victim")) {
            Path mountpoint = victim.path();
            Files.write(mountpoint.resolve("closed"), closedBytes);
            FileChannel synced = FileChannel.open(mountpoint.resolve("synced"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                ByteBuffer buffer = ByteBuffer.wrap(syncedBytes);
                while (buffer.hasRemaining()) {
                    synced.write(buffer);
                }
                synced.force(true);
                victim.kill();
            } finally {
                closeQuietly(synced);
            }
            LocalCluster.ToolResult stat = run("stat", mountpoint.toString());
            assertNotEquals(0, stat.exitCode(), "stat of a dead mount fails");
            assertTrue(stat.stderr().contains("Transport endpoint is not connected"),
                    () -> "stat of a dead mount gives ENOTCONN: " + stat.stderr());
            LocalCluster.ToolResult umount = run("umount", mountpoint.toString());
            assertEquals(0, umount.exitCode(), () -> "umount of the dead mount: " + umount.stderr());
            assertFalse(MountedFs.isMounted(mountpoint), "no longer in /proc/mounts");
        }
        try (MountedFs again = env.mount("victim")) {
            assertArrayEquals(closedBytes, Files.readAllBytes(again.path().resolve("closed")), "closed before the kill");
            assertArrayEquals(syncedBytes, Files.readAllBytes(again.path().resolve("synced")), "fsynced before the kill");
            assertEquals(0, again.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + again.tail());
        }
    }

    private static String runScript(String script, Path dir) throws IOException, InterruptedException {
        return ShellScript.run(script, dir, env.workDir.resolve(dir.getFileName() + ".out"), SCRIPT_TIMEOUT);
    }

    private static LocalCluster.ToolResult run(String... command) {
        return CommandRunner.run(List.of(command), env.workDir.resolve("scratch"), 60);
    }

    /** Closing a descriptor of a dead FUSE mount may fail; the kernel drops it either way. */
    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // expected when the daemon is gone
        }
    }
}
