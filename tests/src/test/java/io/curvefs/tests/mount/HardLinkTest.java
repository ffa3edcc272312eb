package io.curvefs.tests.mount;

import io.curvefs.tests.cluster.CommandRunner;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, Show 1: the names of a hard link are one inode. A chmod, chown, unlink or rename over one name
 * shows at once through every other name (link count, mode, owner, ctime, inode number), for every kind of
 * inode that can have several names, as on a local disk. Nothing here waits longer than a clock tick: an
 * adapter that gives each name its own kernel inode leaves the other names with attributes cached for up to
 * the attribute timeout (1 s), and a wait would hide that. The same checks run on a local directory too.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HardLinkTest {
    private static final int ROUNDS = 3;
    /** Longer than a tick of the kernel's coarse clock, so the next change gets a later ctime. */
    private static final long TICK_MS = 15;
    private static final int NOBODY = 65534;
    private static final int S_IFMT = 0170000;

    enum Kind {
        REGULAR(0100000), FIFO(0010000), SOCKET(0140000), CHAR_DEVICE(0020000), BLOCK_DEVICE(0060000);

        final int typeBits;

        Kind(int typeBits) {
            this.typeBits = typeBits;
        }
    }

    /** What stat says of one name. */
    record Stat(long ino, int nlink, int mode, int uid, int gid, FileTime ctime) {
    }

    private static MountCluster env;
    private static MountedFs fs;

    @BeforeAll
    static void mount() throws IOException {
        env = MountCluster.start(HardLinkTest.class, "linkfs");
        fs = env.mount("mnt");
    }

    @AfterAll
    static void unmount() {
        try {
            if (fs != null) {
                fs.close();
            }
        } finally {
            if (env != null) {
                env.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyNameOfTheInodeShowsEveryChangeAtOnce(Kind kind) throws Exception {
        checkRounds(fs.path(), kind);
    }

    /** The same on ext4, so that a failure above is the mount's and not the test's. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theChecksHoldOnALocalDirectory(Kind kind) throws Exception {
        checkRounds(Files.createDirectories(env.workDir.resolve("local")), kind);
    }

    private static void checkRounds(Path root, Kind kind) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // short: a socket's path must fit in sun_path (108 bytes)
            Path dir = Files.createDirectories(root.resolve(kind.ordinal() + "-" + round));
            Path elsewhere = Files.createDirectories(dir.resolve("o"));
            List<Path> names = List.of(dir.resolve("a"), dir.resolve("b"), elsewhere.resolve("c"));
            create(kind, names.get(0));
            Files.createLink(names.get(1), names.get(0));
            Files.createLink(names.get(2), names.get(0));
            String where = kind + " round " + round;
            Stat linked = statOfEvery(root, names, where + ", after two links");
            assertEquals(3, linked.nlink(), where + ": link count after two links");
            assertEquals(kind.typeBits, linked.mode() & S_IFMT, where + ": file type");

            // each round changes through another name, so every name is once the one changed through
            Path through = names.get(round);
            tick();
            Files.setPosixFilePermissions(through, PosixFilePermissions.fromString("-w------x"));
            Files.setAttribute(through, "unix:uid", NOBODY);
            Files.setAttribute(through, "unix:gid", NOBODY);
            String changedWhere = where + ", after chmod 201 and chown through " + relative(root, through);
            Stat changed = statOfEvery(root, names, changedWhere);
            assertEquals(0201, changed.mode() & 07777, changedWhere + ": mode");
            assertEquals(NOBODY, changed.uid(), changedWhere + ": uid");
            assertEquals(NOBODY, changed.gid(), changedWhere + ": gid");
            assertTrue(changed.ctime().compareTo(linked.ctime()) > 0,
                    () -> changedWhere + ": ctime " + changed.ctime() + " not after " + linked.ctime());
            lsShowsOneInode(names, changed, changedWhere);

            Path unlinked = names.get((round + 1) % names.size());
            List<Path> remaining = new ArrayList<>(names);
            remaining.remove(unlinked);
            tick();
            Files.delete(unlinked);
            String unlinkedWhere = where + ", after unlinking " + relative(root, unlinked);
            assertThrows(NoSuchFileException.class, () -> stat(unlinked), unlinkedWhere + ": the name is gone");
            Stat afterUnlink = statOfEvery(root, remaining, unlinkedWhere);
            assertEquals(2, afterUnlink.nlink(), unlinkedWhere + ": link count");
            assertTrue(afterUnlink.ctime().compareTo(changed.ctime()) > 0,
                    () -> unlinkedWhere + ": ctime " + afterUnlink.ctime() + " not after " + changed.ctime());
            lsShowsOneInode(remaining, afterUnlink, unlinkedWhere);

            Path replaced = remaining.get(round % remaining.size());
            Path survivor = remaining.get((round + 1) % remaining.size());
            Path newcomer = Files.writeString(dir.resolve("new"), "replacement");
            long newcomerIno = stat(newcomer).ino();
            tick();
            // mv renames over the name; Files.move with REPLACE_EXISTING would unlink it first
            run("mv", "-T", newcomer.toString(), replaced.toString());
            String renamedWhere = where + ", after mv over " + relative(root, replaced);
            Stat afterRename = statOfEvery(root, List.of(survivor), renamedWhere);
            assertEquals(afterUnlink.ino(), afterRename.ino(), renamedWhere + ": " + relative(root, survivor) + " is the same inode");
            assertEquals(1, afterRename.nlink(), renamedWhere + ": link count through " + relative(root, survivor));
            assertTrue(afterRename.ctime().compareTo(afterUnlink.ctime()) > 0,
                    () -> renamedWhere + ": ctime " + afterRename.ctime() + " not after " + afterUnlink.ctime());
            Stat replacement = stat(replaced);
            assertEquals(newcomerIno, replacement.ino(), renamedWhere + ": the name now is the renamed file");
            assertEquals(1, replacement.nlink(), renamedWhere + ": link count of the renamed file");
        }
    }

    private static void create(Kind kind, Path path) throws IOException {
        switch (kind) {
            case REGULAR -> Files.writeString(path, "some bytes");
            case FIFO -> run("mkfifo", path.toString());
            case SOCKET -> {
                // bind creates the socket inode (mknod S_IFSOCK); closing the channel leaves it
                try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    socket.bind(UnixDomainSocketAddress.of(path));
                }
            }
            case CHAR_DEVICE -> run("mknod", path.toString(), "c", "1", "3");
            case BLOCK_DEVICE -> run("mknod", path.toString(), "b", "7", "0");
        }
    }

    /** Stats every name (no sleep between) and asserts that they all say the same; returns that. */
    private static Stat statOfEvery(Path root, List<Path> names, String where) throws IOException {
        List<Stat> stats = new ArrayList<>();
        for (Path name : names) {
            stats.add(stat(name));
        }
        for (int i = 1; i < stats.size(); i++) {
            if (!stats.get(i).equals(stats.get(0))) {
                StringBuilder all = new StringBuilder(where + ": the names of one inode disagree:");
                for (int j = 0; j < stats.size(); j++) {
                    all.append("\n  ").append(relative(root, names.get(j))).append(": ").append(format(stats.get(j)));
                }
                throw new AssertionError(all.toString());
            }
        }
        return stats.get(0);
    }

    private static Stat stat(Path name) throws IOException {
        Map<String, Object> a = Files.readAttributes(name, "unix:ino,nlink,mode,uid,gid,ctime", LinkOption.NOFOLLOW_LINKS);
        return new Stat((Long) a.get("ino"), (Integer) a.get("nlink"), (Integer) a.get("mode"),
                (Integer) a.get("uid"), (Integer) a.get("gid"), (FileTime) a.get("ctime"));
    }

    private static String format(Stat s) {
        return String.format("ino %d nlink %d mode %o uid %d gid %d ctime %s",
                s.ino(), s.nlink(), s.mode(), s.uid(), s.gid(), s.ctime());
    }

    /** ls -lin prints the inode number and the link count of each name: the same for all. */
    private static void lsShowsOneInode(List<Path> names, Stat expected, String where) {
        List<String> command = new ArrayList<>(List.of("ls", "-lind"));
        names.forEach(n -> command.add(n.toString()));
        LocalCluster.ToolResult ls = CommandRunner.run(command, env.workDir.resolve("scratch"), 30);
        assertEquals(0, ls.exitCode(), () -> where + ": ls -lind failed: " + ls.stdout() + ls.stderr());
        List<String> lines = ls.stdout().lines().toList();
        assertEquals(names.size(), lines.size(), () -> where + ": ls -lind printed\n" + ls.stdout());
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            assertEquals(expected.ino() + " " + expected.nlink(), fields[0] + " " + fields[2],
                    () -> where + ": inode number and link count in ls -lind:\n" + ls.stdout());
        }
    }

    private static void run(String... command) {
        LocalCluster.ToolResult r = CommandRunner.run(List.of(command), env.workDir.resolve("scratch"), 30);
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + " failed: " + r.stdout() + r.stderr());
    }

    private static String relative(Path root, Path name) {
        return root.relativize(name).toString();
    }

    private static void tick() throws InterruptedException {
        Thread.sleep(TICK_MS);
    }
}
