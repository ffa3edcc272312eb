package io.curvefs.tests.mount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3, Show 1: one shell script of everyday commands run on a mount and on a local directory; the
 * outputs (stdout, stderr and every exit status) must be identical. The script prints only what must
 * match: no inode numbers, no block counts, and times only where it set them itself.
 */
class PosixShellTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    /** Run with the directory to work in as $1; every command's output and exit status are printed. */
    private static final String SCRIPT = """
            set -u
            export LC_ALL=C
            cd "$1" || exit 99
            r() { echo "\\$ $*"; "$@" 2>&1; echo "rc=$?"; }
            # ls -l without the times (they differ unless set) and without the "total" line (block counts)
            lsl() { echo "\\$ ls -l $*"; ls -l --time-style=+T "$@" 2>&1 | grep -v '^total ' | sed 's/ T / /'; }
            r mkdir -p a/b/c
            echo hello > a/f1; echo world >> a/f1
            r cat a/f1
            r touch a/empty
            printf 'line1\\nline2\\n' > a/b/f2
            r cp -a a copy
            r diff -r a copy
            r ln a/f1 a/hard
            r ln -s f1 a/soft
            r readlink a/soft
            r cat a/soft
            r stat -c '%h %s %F' a/f1 a/hard a/soft
            r mv a/b/f2 a/b/c/f2moved
            r mv a/b/c dmoved
            r mv a/empty a/hard
            r stat -c '%h %s' a/f1 a/hard
            r mkdir e
            r mv e dmoved
            r mkdir -p x/y
            r mv x x/y/z
            r mkdir -p p/q r
            r touch r/f
            r mv -T p r
            r mv -T r/f p
            r mv -T p/q r/f
            r rmdir r
            r chmod 751 a/f1
            r chmod u+s a/f1
            r stat -c '%A' a/f1
            r chown 1234:5678 a/f1
            r stat -c '%A %u %g' a/f1
            r touch -d '2020-01-02 03:04:05.123456789' a/f1
            r stat -c '%y|%x' a/f1
            # one time alone (utimensat with UTIME_OMIT for the other), as touch -m/-a and tar set them
            r touch -m -d '2021-05-06 07:08:09' a/f1
            r touch -a -d '2019-01-01 00:00:01' a/f1
            r stat -c '%y|%x' a/f1
            r truncate -s 10000 a/t
            r stat -c '%s' a/t
            r truncate -s 100 a/t
            r stat -c '%s' a/t
            r md5sum a/t
            r dd if=/dev/urandom of=a/dd bs=1k count=8 status=none
            cp a/dd ddcopy
            printf XYZ | dd of=a/dd bs=1 seek=4000 conv=notrunc status=none
            printf XYZ | dd of=ddcopy bs=1 seek=4000 conv=notrunc status=none
            r cmp a/dd ddcopy
            r stat -c '%s' a/dd
            r mkfifo a/fifo
            r mknod a/cdev c 1 3
            r stat -c '%F %A %t %T' a/fifo a/cdev
            r setfattr -n user.color -v blue a/f1
            r setfattr -n user.size -v 42 a/f1
            r getfattr -d a/f1
            r setfattr -x user.color a/f1
            r getfattr -d a/f1
            r getfattr -n user.missing a/f1
            # a file removed while open stays readable through the descriptor, and is not listed
            exec 3< a/b/../f1
            r rm a/f1
            r cat /dev/fd/3
            r ls -a a
            exec 3<&-
            # owners and modes of new inodes come from the caller (another user: allow_other), umask applies
            r mkdir -m 1777 shared
            echo x > shared/s; chmod 4777 shared/s
            r setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo y >> shared/s; touch shared/mine; mkdir shared/mydir'
            r stat -c '%A %U %G %n' shared/s shared/mine shared/mydir
            r setpriv --reuid=65534 --regid=65534 --clear-groups rm -f shared/s
            r setpriv --reuid=65534 --regid=65534 --clear-groups rm -f shared/mine
            (umask 027; touch um; mkdir umd)
            r stat -c '%A %n' um umd
            # a set-group-ID directory passes on its group, and the bit to subdirectories
            r mkdir sg
            r chown :5678 sg
            r chmod 2775 sg
            r mkdir sg/sub
            r touch sg/f
            r stat -c '%A %g %n' sg/sub sg/f
            r flock a/t -c 'echo locked'
            r fallocate -l 100000 a/fa
            r stat -c '%s' a/fa
            for i in $(seq 1 1000); do printf abcdefghij; done > a/holes
            r fallocate -k -o 0 -l 200000 a/holes
            r stat -c '%s' a/holes
            r fallocate -p -o 1000 -l 3000 a/holes
            r md5sum a/holes
            r fallocate -z -o 9000 -l 3000 a/holes
            r stat -c '%s' a/holes
            r md5sum a/holes
            r dd if=/dev/zero of=a/sync bs=4k count=3 oflag=sync status=none
            r stat -c '%s' a/sync
            r stat -f -c '%S %l' .
            r cat missing
            r rmdir a
            r rm -rf copy
            lsl . a a/b dmoved dmoved/e
            # a local directory lists in hash order, the mount in name order
            echo "\\$ find"; find . -print | LC_ALL=C sort
            """;

    private static MountCluster env;

    @BeforeAll
    static void startCluster() throws IOException {
        env = MountCluster.start(PosixShellTest.class, "shellfs");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shellScriptGivesTheSameOutputOnTheMountAsOnALocalDirectory() throws Exception {
        Path local = Files.createDirectories(env.workDir.resolve("local"));
        String expected = runScript(local);
        assertTrue(expected.contains("hello\nworld"), () -> "the script itself misbehaves locally:\n" + expected);
        try (MountedFs fs = env.mount("mnt")) {
            Path dir = Files.createDirectories(fs.path().resolve("shell"));
            String actual = runScript(dir);
            assertEquals(expected, actual, "script output on the mount (right) differs from a local directory (left)");
        }
    }

    /**
     * A file unlinked while open stays readable, writable and fstat-able through its descriptor, and its
     * directory can be removed meanwhile, as on a local disk (the kernel asks for it by inode, not path).
     */
    @Test
    void anUnlinkedOpenFileInARemovedDirectoryWorksThroughItsDescriptor() throws Exception {
        String script = """
                set -u
                export LC_ALL=C
                cd "$1" || exit 99
                mkdir od
                echo still here > od/f
                exec 4<> od/f
                rm od/f
                ls -a od
                rmdir od
                echo "rmdir while open: $?"
                cat <&4
                echo appended >&4
                stat -L -c '%s %h' /dev/fd/4
                python3 -c 'import os; os.lseek(4, 0, 0); print(os.read(4, 100).decode(), end="")'
                exec 4<&-
                ls -a
                """;
        Path local = Files.createDirectories(env.workDir.resolve("local-hidden"));
        String expected = runScript(local, script);
        assertTrue(expected.contains("still here\nappended"), () -> "the script itself misbehaves locally:\n" + expected);
        try (MountedFs fs = env.mount("mnt-hidden")) {
            Path dir = Files.createDirectories(fs.path().resolve("hidden"));
            assertEquals(expected, runScript(dir, script));
        }
    }

    private static String runScript(Path dir) throws IOException, InterruptedException {
        return runScript(dir, SCRIPT);
    }

    private static String runScript(Path dir, String script) throws IOException, InterruptedException {
        return ShellScript.run(script, dir, env.workDir.resolve(dir.getFileName() + ".out"), SCRIPT_TIMEOUT);
    }
}
