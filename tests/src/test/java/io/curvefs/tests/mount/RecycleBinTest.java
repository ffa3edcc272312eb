package io.curvefs.tests.mount;

import io.curvefs.client.data.DataConfig;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.meta.EntryRemover;
import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.RecycleNames;
import io.curvefs.common.meta.RenameTx;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.tests.cluster.CommandRunner;
import io.curvefs.tests.cluster.LocalCluster;
import io.curvefs.tests.meta.TreeCheck;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, Show 4: on a file system created with {@code --recycle-hours 1}, {@code rm} of a file, of a
 * symlink and {@code rm -r} of a tree land in {@code .recycle/<UTC hour>/<parentIno>_<ino>_<name>} with
 * their inode numbers, {@code mv} back restores them intact, nothing can be put into the bin (root
 * included), removing inside the bin deletes for real (the file goes to the trash, then its objects
 * leave the bucket), and an expired hour directory is emptied by the metaserver. The expiry is shown
 * without waiting an hour: acting as an operator through the metadata client, the test renames an hour
 * directory to an hour long past. A file system without the option has no bin.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RecycleBinTest {
    private static final long LONG_WAIT_MS = 60_000;
    private static final String PAST_HOUR = "2001-02-03-04";
    private static final int NOBODY = 65534;
    private static MountCluster env;

    /**
     * Small partitions: once the root's partition is full (see {@link #fillRootPartition}), new inodes,
     * the hour directories among them, live elsewhere, so moving into the bin is a rename transaction and
     * the cleaner meets entries and inodes in different partitions.
     */
    private static final long IDS_PER_PARTITION = 16;

    @BeforeAll
    static void startCluster() throws IOException {
        LocalCluster.Options d = LocalCluster.Options.defaults();
        env = MountCluster.start(RecycleBinTest.class, "recyclefs", new LocalCluster.Options(d.mdsCount(),
                d.metaserverCount(), IDS_PER_PARTITION, Map.of(), Map.of("metaserver.recycle.scanIntervalMs", "500",
                "metaserver.trash.scanIntervalMs", "500")), "--recycle-hours", "1", "--trash-retention-sec", "2");
    }

    @AfterAll
    static void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void removedEntriesLandInTheBinAndComeBackIntact() throws Exception {
        Random random = new Random(44);
        try (MountedFs fs = env.mount("a"); MountedFs other = env.mount("b");
             Operator op = Operator.open(env.cluster, env.fsName)) {
            Path root = fs.path();
            Path bin = root.resolve(RecycleNames.NAME);
            assertEquals(RecycleNames.INODE, ino(bin), "the bin is inode 2");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(bin)));
            assertEquals(0, Files.getAttribute(bin, "unix:uid"));
            fillRootPartition(root);
            twoMountsStartTheHourTogether(root, other.path(), bin, op);

            byte[] content = bytes(random, 3 * (1 << 20) + 123);
            Path file = root.resolve("file");
            Files.write(file, content);
            long fileIno = ino(file);
            Path link = Files.createSymbolicLink(root.resolve("link"), Path.of("some/target"));
            long linkIno = ino(link);
            Path tree = root.resolve("tree");
            Files.createDirectories(tree.resolve("sub"));
            byte[] leafContent = bytes(random, 70_000);
            Files.write(tree.resolve("leaf"), leafContent);
            Files.write(tree.resolve("sub/deep"), bytes(random, 10));
            long treeIno = ino(tree);
            long subIno = ino(tree.resolve("sub"));
            long leafIno = ino(tree.resolve("leaf"));
            long deepIno = ino(tree.resolve("sub/deep"));

            Set<String> hours = hoursAround(() -> {
                Files.delete(file);
                Files.delete(link);
                assertEquals(0, sh(root, "rm", "-r", "tree").exitCode());
            });
            assertFalse(Files.exists(file) || Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(tree));
            Path binnedFile = binned(bin, hours, "1_" + fileIno + "_file");
            assertEquals(fileIno, ino(binnedFile), "inode kept");
            assertEquals(sha256(content), sha256(Files.readAllBytes(binnedFile)));
            Path binnedLink = binned(bin, hours, "1_" + linkIno + "_link");
            assertEquals(Path.of("some/target"), Files.readSymbolicLink(binnedLink));
            Path binnedTree = binned(bin, hours, "1_" + treeIno + "_tree");
            Path binnedSub = binned(bin, hours, treeIno + "_" + subIno + "_sub");
            Path binnedLeaf = binned(bin, hours, treeIno + "_" + leafIno + "_leaf");
            Path binnedDeep = binned(bin, hours, subIno + "_" + deepIno + "_deep");
            assertTrue(Files.isDirectory(binnedTree) && Files.isDirectory(binnedSub));

            Files.move(binnedFile, file);
            assertEquals(fileIno, ino(file), "restored with its inode");
            assertEquals(sha256(content), sha256(Files.readAllBytes(file)), "restored with its content");
            Files.move(binnedLink, link);
            assertEquals(Path.of("some/target"), Files.readSymbolicLink(link));
            Files.move(binnedTree, tree);
            Files.move(binnedSub, tree.resolve("sub"));
            Files.move(binnedLeaf, tree.resolve("leaf"));
            Files.move(binnedDeep, tree.resolve("sub/deep"));
            assertEquals(List.of(treeIno, subIno, leafIno, deepIno), List.of(ino(tree), ino(tree.resolve("sub")),
                    ino(tree.resolve("leaf")), ino(tree.resolve("sub/deep"))));
            assertArrayEquals(leafContent, Files.readAllBytes(tree.resolve("leaf")));
            assertNotEquals(0, sh(root, "rmdir", "tree/sub").exitCode(), "a non-empty directory stays");
            assertTrue(Files.exists(tree.resolve("sub/deep")));

            // an open file that is removed is only moved: its descriptor keeps reading it
            Path open = root.resolve("open");
            byte[] openContent = bytes(random, 200_000);
            Files.write(open, openContent);
            long openIno = ino(open);
            try (FileChannel ch = FileChannel.open(open, StandardOpenOption.READ)) {
                Set<String> openHours = hoursAround(() -> Files.delete(open));
                ByteBuffer read = ByteBuffer.allocate(openContent.length);
                while (read.hasRemaining() && ch.read(read, read.position()) > 0) {
                    // reads until full
                }
                assertArrayEquals(openContent, read.array(), "read through the descriptor after rm");
                assertEquals(openIno, ino(binned(bin, openHours, "1_" + openIno + "_open")));
            }

            nothingGoesIntoTheBin(root, bin);
            removingInsideTheBinDeletes(root, bin, op, random);
            expiredHoursAreEmptied(root, bin, op, random);

            TreeCheck.check(op.meta);
            assertEquals(List.of(), TreeCheck.openTransactions(op.meta), "transactions left open");
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
    }

    /** Fills the partition of the root and the bin, so that what follows lives in other partitions. */
    private static void fillRootPartition(Path root) throws IOException {
        Path fill = Files.createDirectory(root.resolve("fill"));
        for (long i = RecycleNames.INODE + 2; i < IDS_PER_PARTITION; i++) {
            Files.createFile(fill.resolve("f" + i));
        }
    }

    /** Both mounts delete at once into an hour directory that does not exist yet: both make it, one wins. */
    private static void twoMountsStartTheHourTogether(Path a, Path b, Path bin, Operator op) throws Exception {
        int perMount = 4;
        List<Long> inodes = new ArrayList<>();
        for (Path root : List.of(a, b)) {
            for (int i = 0; i < perMount; i++) {
                Path f = root.resolve(root.getFileName() + "-" + i);
                Files.writeString(f, f.toString());
                inodes.add(ino(f));
            }
        }
        assertTrue(Waiting.until(() -> Files.exists(b.resolve(a.getFileName() + "-0"))), "b sees a's files");
        Set<String> hours = hoursAround(() -> {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (Path root : List.of(a, b)) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perMount; i++) {
                        try {
                            Files.delete(root.resolve(root.getFileName() + "-" + i));
                        } catch (IOException | RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(2));
            }
            assertEquals(List.of(), failures, "deletions on two mounts at once");
        });
        int i = 0;
        for (Path root : List.of(a, b)) {
            for (int k = 0; k < perMount; k++) {
                String name = "1_" + inodes.get(i++) + "_" + root.getFileName() + "-" + k;
                binned(bin, hours, name);
            }
        }
        String hour = hours.stream().filter(h -> Files.isDirectory(bin.resolve(h))).findFirst().orElseThrow();
        long hourIno = ino(bin.resolve(hour));
        assertNotEquals(op.meta.partitionOf(RecycleNames.INODE), op.meta.partitionOf(hourIno),
                "the hour directory lives in another partition than the bin: moves into it are transactions");
    }

    /** EPERM for root wherever in the bin; a user is refused by the bin's mode already (EACCES). */
    private static void nothingGoesIntoTheBin(Path root, Path bin) throws Exception {
        Files.writeString(root.resolve("outside"), "x");
        Path removedDir = Files.createDirectory(root.resolve("removeddir"));
        long removedIno = ino(removedDir);
        Set<String> hours = hoursAround(() -> Files.delete(removedDir));
        Path binnedDir = binned(bin, hours, "1_" + removedIno + "_removeddir");
        String hour = binnedDir.getParent().getFileName().toString();
        Path emptyDir = Files.createDirectory(root.resolve("emptydir"));
        for (String dir : List.of(".recycle", ".recycle/" + hour, root.relativize(binnedDir).toString())) {
            assertEperm(sh(root, "touch", dir + "/new"), "create in " + dir);
            assertEperm(sh(root, "mkdir", dir + "/newdir"), "mkdir in " + dir);
            assertEperm(sh(root, "ln", "-s", "t", dir + "/newlink"), "symlink in " + dir);
            assertEperm(sh(root, "ln", "outside", dir + "/hardlink"), "link into " + dir);
            assertEperm(sh(root, "mv", "outside", dir + "/moved"), "rename into " + dir);
            assertEperm(sh(root, "mknod", dir + "/fifo", "p"), "mknod in " + dir);
        }
        assertEperm(sh(root, "mv", ".recycle", "renamed"), "rename of .recycle");
        assertEperm(sh(root, "rmdir", ".recycle"), "rmdir of .recycle");
        assertEperm(sh(root, "mv", "-T", "emptydir", ".recycle"), "replacing .recycle");
        Files.delete(emptyDir);
        LocalCluster.ToolResult user = sh(root, "setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "touch", ".recycle/" + hour + "/mine");
        assertNotEquals(0, user.exitCode());
        assertTrue(user.stderr().contains("Permission denied"), user.stderr());
        assertTrue(Files.isDirectory(bin) && Files.exists(root.resolve("outside")));
        Files.delete(root.resolve("outside")); // into the bin, like everything else
    }

    /** rm inside the bin is a real deletion: the file goes to the trash, its objects leave the bucket. */
    private static void removingInsideTheBinDeletes(Path root, Path bin, Operator op, Random random)
            throws Exception {
        Path doomed = root.resolve("doomed");
        Files.write(doomed, bytes(random, 5 * (1 << 20)));
        long doomedIno = ino(doomed);
        Set<String> objects = op.objectsOf(doomedIno);
        assertFalse(objects.isEmpty());
        Set<String> hours = hoursAround(() -> Files.delete(doomed));
        Path binned = binned(bin, hours, "1_" + doomedIno + "_doomed");
        assertTrue(op.stored().containsAll(objects), "objects stay while the file is in the bin");
        Files.delete(binned);
        assertFalse(Files.exists(binned));
        assertTrue(op.trashedOrReclaimed(doomedIno), "the file left the bin into the trash");
        assertTrue(Waiting.until(LONG_WAIT_MS, () -> op.storedQuietly().stream().noneMatch(objects::contains)),
                "the objects of a file deleted inside the bin leave the bucket after the trash retention");

        // rm -rf of a whole hour directory, as root: everything in it is deleted, the next rm makes a new one
        Path hourDir = binned.getParent();
        List<Long> held = new ArrayList<>();
        try (var entries = Files.list(hourDir)) {
            for (Path e : entries.toList()) {
                held.add(Long.parseLong(e.getFileName().toString().split("_")[1]));
            }
        }
        assertFalse(held.isEmpty());
        assertEquals(0, sh(root, "rm", "-rf", root.relativize(hourDir).toString()).exitCode());
        assertFalse(Files.exists(hourDir));
        for (long ino : held) {
            assertTrue(op.trashedOrReclaimed(ino), "inode " + ino + " of the removed hour directory is deleted");
        }
        assertTrue(Files.isDirectory(bin));
    }

    /** An hour directory past recycle_hours goes with all it holds, as rm -rf would take it. */
    private static void expiredHoursAreEmptied(Path root, Path bin, Operator op, Random random) throws Exception {
        Path old = root.resolve("old");
        Files.write(old, bytes(random, 2 * (1 << 20) + 1));
        Path oldDir = Files.createDirectory(root.resolve("olddir"));
        long oldIno = ino(old);
        long oldDirIno = ino(oldDir);
        Set<String> objects = op.objectsOf(oldIno);
        Set<String> hours = hoursAround(() -> {
            Files.delete(old);
            Files.delete(oldDir);
        });
        String hour = binned(bin, hours, "1_" + oldIno + "_old").getParent().getFileName().toString();
        binned(bin, Set.of(hour), "1_" + oldDirIno + "_olddir");
        // the operator dates the hour back (a transaction: the hour directory lives in another partition than
        // its entry); the cleaner (every 500 ms) finds it expired
        long hourIno = op.meta.getDentry(RecycleNames.INODE, hour).getInodeId();
        new RenameTx(op.meta, RenameTx.DEFAULT_TTL_MS, step -> { }).run(new RenameTx.Plan(RecycleNames.INODE, hour,
                RecycleNames.INODE, PAST_HOUR, hourIno, FsFileType.TYPE_DIRECTORY, 0, FsFileType.TYPE_UNSPECIFIED,
                false, 0, List.of()), Operator.now());
        assertTrue(Waiting.until(LONG_WAIT_MS, () -> !op.exists(RecycleNames.INODE, PAST_HOUR)),
                "the expired hour directory is removed");
        assertTrue(op.trashedOrReclaimed(oldIno), "the file of the expired hour went to the trash");
        assertTrue(op.gone(oldDirIno), "the directory of the expired hour is deleted");
        assertTrue(Waiting.until(LONG_WAIT_MS, () -> op.storedQuietly().stream().noneMatch(objects::contains)),
                "the objects of the expired file leave the bucket");
        assertTrue(Files.isDirectory(bin), "the bin itself stays");
    }

    /** A client that skips the mount's checks still cannot remove, move or replace the bin, nor fill it. */
    @Test
    void metaserversRefuseOtherClientsToo() {
        try (Operator op = Operator.open(env.cluster, env.fsName)) {
            MetaClient meta = op.meta;
            Time now = Operator.now();
            assertRefused(() -> meta.removeEntry(1, RecycleNames.NAME, true, 0, false, now));
            assertRefused(() -> meta.deleteDentry(1, RecycleNames.NAME, now));
            assertRefused(() -> meta.renameLocal(1, RecycleNames.NAME, 1, "elsewhere", 0, 0, now));
            assertRefused(() -> meta.createNode(RecycleNames.INODE, "file", FsFileType.TYPE_FILE, 0100644, 0, 0, 0,
                    "", now));
            assertRefused(() -> meta.createNode(RecycleNames.INODE, "not-an-hour", FsFileType.TYPE_DIRECTORY, 040755,
                    0, 0, 0, "", now));
            MetaClient.Created victim = meta.createNode(1, "victim-dir", FsFileType.TYPE_DIRECTORY, 040755, 0, 0, 0,
                    "", now);
            assertRefused(() -> meta.renameLocal(1, "victim-dir", 1, RecycleNames.NAME, 0, 0, now));
            assertEquals(RecycleNames.INODE, meta.getDentry(1, RecycleNames.NAME).getInodeId(), "the bin stays");
            EntryRemover remover = new EntryRemover(meta, Operator::now);
            remover.remove(1, "victim-dir", true, 0, false, remover.plainVictims());
            assertTrue(op.trashedOrReclaimed(victim.inode().getInodeId()));
        }
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call) {
        RpcException e = assertThrows(RpcException.class, call);
        assertEquals(StatusCode.NOT_PERMITTED, e.code(), e.getMessage());
    }

    @Test
    void aFileSystemWithoutTheOptionHasNoBin() throws Exception {
        LocalCluster.ToolResult created = env.cluster.tool("create-fs", "--fsname", "plainfs", "--s3-endpoint",
                env.s3.endpoint(), "--s3-ak", env.s3.accessKey(), "--s3-sk", env.s3.secretKey(),
                "--s3-bucket", env.s3.bucket());
        assertEquals(0, created.exitCode(), created.stderr());
        try (MountedFs fs = MountedFs.mount(env.clientConf, "plainfs", env.workDir.resolve("plain"),
                env.workDir.resolve("logs").resolve("plain.log"))) {
            Path root = fs.path();
            assertFalse(Files.exists(root.resolve(RecycleNames.NAME)));
            Path own = Files.createDirectory(root.resolve(RecycleNames.NAME));
            assertNotEquals(RecycleNames.INODE, ino(own), "an ordinary directory of the user");
            Files.writeString(own.resolve("f"), "mine");
            Files.writeString(root.resolve("g"), "gone");
            Files.delete(root.resolve("g"));
            try (var listing = Files.list(own)) {
                assertEquals(List.of(own.resolve("f")), listing.toList(), "rm deletes, nothing is moved here");
            }
            Files.delete(own.resolve("f"));
            Files.delete(own);
            assertEquals(0, fs.unmount(), () -> "curve-fuse exit code after unmount; log:\n" + fs.tail());
        }
    }

    // ---- helpers ----

    private interface Action {
        void run() throws Exception;
    }

    /** The UTC hour names before and after the action: its deletions landed in one of them. */
    private static Set<String> hoursAround(Action action) throws Exception {
        Set<String> hours = new TreeSet<>();
        hours.add(RecycleNames.hourName(Instant.now()));
        action.run();
        hours.add(RecycleNames.hourName(Instant.now()));
        return hours;
    }

    private static Path binned(Path bin, Set<String> hours, String name) {
        for (String hour : hours) {
            Path p = bin.resolve(hour).resolve(name);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        throw new AssertionError("no " + name + " in " + bin + " under " + hours + ": " + listing(bin, hours));
    }

    private static String listing(Path bin, Set<String> hours) {
        StringBuilder out = new StringBuilder();
        for (String hour : hours) {
            try (var l = Files.list(bin.resolve(hour))) {
                out.append(hour).append(": ").append(l.map(p -> p.getFileName().toString()).sorted().toList());
            } catch (IOException e) {
                out.append(hour).append(": ").append(e);
            }
        }
        return out.toString();
    }

    private static long ino(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static LocalCluster.ToolResult sh(Path dir, String... command) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
        cmd.addAll(List.of(command));
        return CommandRunner.run(cmd, env.workDir, 60);
    }

    private static void assertEperm(LocalCluster.ToolResult r, String what) {
        assertNotEquals(0, r.exitCode(), what + " succeeded");
        assertTrue(r.stderr().contains("Operation not permitted"), what + ": " + r.stderr());
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Direct metadata and bucket access, as an operator has it. */
    private record Operator(CurveRpcClient rpc, MetaClient meta, FsInfo fs, S3ObjectStore objects)
            implements AutoCloseable {
        static Operator open(LocalCluster cluster, String fsName) {
            CurveRpcClient rpc = new CurveRpcClient(cluster.clusterToken());
            MdsClient mds = new MdsClient(rpc, cluster.mdsAddrs(), RetryPolicy.DEFAULT);
            FsInfo fs = mds.getFsInfo(fsName);
            return new Operator(rpc, new MetaClient(rpc, mds, fs.getFsId(), RetryPolicy.DEFAULT), fs,
                    new S3ObjectStore(fs.getS3Info(), DataConfig.defaults().s3Settings()));
        }

        static Time now() {
            long ms = System.currentTimeMillis();
            return Time.newBuilder().setSec(ms / 1000).setNsec((int) (ms % 1000) * 1_000_000).build();
        }

        Set<String> objectsOf(long ino) {
            return new TreeSet<>(new ObjectLayout(fs.getS3Info(), fs.getFsId()).objectNames(ino,
                    meta.getInode(ino, true).getS3ChunkInfoMapMap().values()));
        }

        Set<String> stored() throws IOException {
            String prefix = new ObjectLayout(fs.getS3Info(), fs.getFsId()).fsPrefix();
            return new TreeSet<>(objects.list(prefix, objects.deadlineFromNow()));
        }

        Set<String> storedQuietly() {
            try {
                return stored();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean exists(long parent, String name) {
            try {
                meta.getDentry(parent, name);
                return true;
            } catch (RpcException e) {
                if (e.code() == StatusCode.DENTRY_NOT_FOUND) {
                    return false;
                }
                throw e;
            }
        }

        /** In its partition's trash (no names, a deletion time) or already reclaimed from it. */
        boolean trashedOrReclaimed(long ino) {
            try {
                Inode inode = meta.getInode(ino, false);
                return inode.getNlink() == 0 && inode.getDtime() > 0;
            } catch (RpcException e) {
                return e.code() == StatusCode.INODE_NOT_FOUND;
            }
        }

        boolean gone(long ino) {
            RpcException e = assertThrows(RpcException.class, () -> meta.getInode(ino, false));
            return e.code() == StatusCode.INODE_NOT_FOUND;
        }

        @Override
        public void close() {
            objects.close();
            rpc.close();
        }
    }
}
