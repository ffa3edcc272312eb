package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.RenameTx;
import io.curvefs.common.meta.Route;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateInodeResponse;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, show 1: a rename across partitions stopped after each step of the transaction (the primary
 * prepared; every partition prepared; the primary committed), once by abandoning the client there (its
 * RPC client closed, as a killed mount) and once by kill -9 of the primary's raft leader while the client
 * goes on. Afterwards another client finds the entry under exactly one name: the old one when the
 * client vanished before the commit point (the transaction expires and readers roll it back), the new
 * one otherwise. Abandoned transactions that nobody reads are settled by the metaservers themselves. An
 * unlink or a link whose inode lives in another partition than its name is such a transaction too, and a
 * crash at any step leaves the name and its link count together: both there, or neither. A walk of the whole tree then finds nlink, parent lists and entries consistent, no
 * inode unreachable, and no transaction left open.
 */
class RenameCrashTest {
    /** Short, so that readers may roll back an abandoned transaction soon. */
    private static final long TTL_MS = 2_000;
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);
    /** The TTL, plus a few sweep intervals of the default config (5 s), plus slack for a loaded machine. */
    private static final Duration SWEEP_WAIT = Duration.ofSeconds(60);
    private static final int DIR_MODE = 040755;
    private static final int FILE_MODE = 0100644;

    /** Thrown by the hook: the client stops where it stands, as if killed. */
    private static final class Crash extends RuntimeException {
        Crash(RenameTx.Step step) {
            super("stopped after " + step);
        }
    }

    /** A rename to make: the source, the target it replaces (0: none) and the expected inodes. */
    private record Case(long srcParent, String srcName, long moved, long dstParent, String dstName, long victim,
                        FsFileType type) {
        RenameTx.Plan plan() {
            FsFileType victimType = victim == 0 ? FsFileType.TYPE_UNSPECIFIED : type;
            // every target directory of this test lies right under the root
            List<RenameTx.Ancestor> way = type == FsFileType.TYPE_DIRECTORY
                    ? List.of(new RenameTx.Ancestor(dstParent, MetaFs.ROOT)) : List.of();
            return new RenameTx.Plan(srcParent, srcName, dstParent, dstName, moved, type, victim, victimType,
                    false, 0, way);
        }
    }

    private LocalCluster cluster;
    private MetaFs fs;
    private int serial;

    @Test
    void everyCrashPointLeavesTheEntryUnderExactlyOneName() {
        Path work = MetaFs.workDir(RenameCrashTest.class);
        try (EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
             LocalCluster c = LocalCluster.start(work.resolve("cluster"), LocalCluster.Options.defaults());
             MetaFs opened = MetaFs.create(c, s3, "crash")) {
            cluster = c;
            fs = opened;
            run();
        }
    }

    private void run() {
        MetaClient meta = fs.meta;
        List<Route> routes = meta.router().routes();
        Route home = meta.router().route(MetaFs.ROOT);
        Route[] others = routes.stream().filter(r -> r.partitionId() != home.partitionId()).limit(2)
                .toArray(Route[]::new);
        assertEquals(2, others.length, "create-fs made at least three partitions");
        long a = meta.createNode(MetaFs.ROOT, "a", FsFileType.TYPE_DIRECTORY, DIR_MODE, 0, 0, 0, "", MetaFs.now())
                .inode().getInodeId();
        long b = linkedInode(others[0], MetaFs.ROOT, "b", FsFileType.TYPE_DIRECTORY);
        assertNotEquals(meta.partitionOf(a), meta.partitionOf(b));
        TreeCheck.Tree before = TreeCheck.check(meta);
        long unreachableBefore = TreeCheck.unreachable(meta, before);

        for (RenameTx.Step step : RenameTx.Step.values()) {
            boolean committed = step == RenameTx.Step.COMMITTED;
            expectOutcome(abandonClientAt(step, fileOverFile(a, b)), committed);
            expectOutcome(abandonClientAt(step, dirOverEmptyDir(a, b)), committed);
            expectOutcome(abandonClientAt(step, fileFromThirdPartition(a, b, others[1])), committed);
            expectOutcome(killPrimaryLeaderAt(step, fileOverFile(a, b)), true);
        }
        metaserversSettleWhatNobodyReads(a, b);
        for (RenameTx.Step step : RenameTx.Step.values()) {
            expectRemoved(abandonRemovalAt(step, fileToRemove(a, others[1])), step == RenameTx.Step.COMMITTED);
            expectLinked(abandonLinkAt(step, a, b), step == RenameTx.Step.COMMITTED);
        }

        TreeCheck.Tree after = TreeCheck.check(meta);
        assertEquals(unreachableBefore, TreeCheck.unreachable(meta, after), "inodes nobody can reach");
        assertEquals(List.of(), TreeCheck.openTransactions(meta), "transactions left open");
    }

    /**
     * Transactions abandoned at every step, whose names nobody touches afterwards: the metaservers' sweepers
     * settle them on their own once the TTL passed (before that, a reader would have to), and each lands as
     * its commit point decided.
     */
    private void metaserversSettleWhatNobodyReads(long a, long b) {
        Map<Case, Boolean> abandoned = new LinkedHashMap<>();
        for (RenameTx.Step step : RenameTx.Step.values()) {
            boolean committed = step == RenameTx.Step.COMMITTED;
            abandoned.put(abandonClientAt(step, fileOverFile(a, b)), committed);
            abandoned.put(abandonClientAt(step, dirOverEmptyDir(a, b)), committed);
        }
        Await.until(SWEEP_WAIT, "the metaservers settled every abandoned transaction",
                () -> TreeCheck.openTransactions(fs.meta).isEmpty());
        abandoned.forEach(this::expectOutcome);
    }

    /** a/f (inode with a) replaces b/v (inode with b). */
    private Case fileOverFile(long a, long b) {
        int n = serial++;
        long f = fs.meta.createNode(a, "f" + n, FsFileType.TYPE_S3, FILE_MODE, 0, 0, 0, "", MetaFs.now()).inode()
                .getInodeId();
        long v = fs.meta.createNode(b, "v" + n, FsFileType.TYPE_S3, FILE_MODE, 0, 0, 0, "", MetaFs.now()).inode()
                .getInodeId();
        return new Case(a, "f" + n, f, b, "v" + n, v, FsFileType.TYPE_S3);
    }

    /** a/d (with a file inside) replaces the empty directory b/e. */
    private Case dirOverEmptyDir(long a, long b) {
        int n = serial++;
        long d = fs.meta.createNode(a, "d" + n, FsFileType.TYPE_DIRECTORY, DIR_MODE, 0, 0, 0, "", MetaFs.now())
                .inode().getInodeId();
        fs.meta.createNode(d, "inside", FsFileType.TYPE_S3, FILE_MODE, 0, 0, 0, "", MetaFs.now());
        long e = fs.meta.createNode(b, "e" + n, FsFileType.TYPE_DIRECTORY, DIR_MODE, 0, 0, 0, "", MetaFs.now())
                .inode().getInodeId();
        return new Case(a, "d" + n, d, b, "e" + n, e, FsFileType.TYPE_DIRECTORY);
    }

    /** a/x, whose inode lives in a third partition, moves to the free name b/y. */
    private Case fileFromThirdPartition(long a, long b, Route third) {
        int n = serial++;
        long x = linkedInode(third, a, "x" + n, FsFileType.TYPE_S3);
        return new Case(a, "x" + n, x, b, "y" + n, 0, FsFileType.TYPE_S3);
    }

    /** An inode created in the given partition and named in {@code parent}, as a full partition makes them. */
    private long linkedInode(Route where, long parent, String name, FsFileType type) {
        CreateInodeResponse created = Statuses.requireOk(where.channel().call(CreateInodeRequest.newBuilder()
                .setPartition(where.ref()).setType(type).setMode(type == FsFileType.TYPE_DIRECTORY ? DIR_MODE : FILE_MODE)
                .setParent(parent).setTime(MetaFs.now()).build()));
        long ino = created.getInode().getInodeId();
        fs.meta.createDentry(Dentry.newBuilder().setParentInodeId(parent).setName(name).setInodeId(ino).setType(type)
                .build(), MetaFs.now());
        return ino;
    }

    /** a/r, whose inode lives in a third partition: unlinking it is a transaction too. */
    private RenameTx.Removal fileToRemove(long a, Route third) {
        int n = serial++;
        long r = linkedInode(third, a, "r" + n, FsFileType.TYPE_S3);
        return new RenameTx.Removal(a, "r" + n, r, FsFileType.TYPE_S3, false, 0);
    }

    /** A second client starts the unlink and is abandoned after {@code step}. */
    private RenameTx.Removal abandonRemovalAt(RenameTx.Step step, RenameTx.Removal removal) {
        try (MetaFs doomed = MetaFs.open(cluster, "crash")) {
            RenameTx tx = new RenameTx(doomed.meta, TTL_MS, s -> {
                if (s == step) {
                    throw new Crash(s);
                }
            });
            assertThrows(Crash.class, () -> tx.remove(removal, MetaFs.now()));
        }
        return removal;
    }

    /** Either the name and its link are both gone (the file waits in the trash), or both are there. */
    private void expectRemoved(RenameTx.Removal r, boolean removed) {
        assertEquals(removed ? 0 : r.inodeId(), named(fs.meta, r.parent(), r.name()), "name of " + r);
        assertEquals(removed ? 0 : 1, linksLeft(fs.meta, r.inodeId()), "links of " + r);
    }

    /** A new name in b for a file of a (b and a in different partitions): a link across partitions. */
    private record Link(long parent, String name, long inodeId) {
    }

    private Link abandonLinkAt(RenameTx.Step step, long a, long b) {
        int n = serial++;
        long f = fs.meta.createNode(a, "k" + n, FsFileType.TYPE_S3, FILE_MODE, 0, 0, 0, "", MetaFs.now()).inode()
                .getInodeId();
        Link link = new Link(b, "k" + n, f);
        try (MetaFs doomed = MetaFs.open(cluster, "crash")) {
            RenameTx tx = new RenameTx(doomed.meta, TTL_MS, s -> {
                if (s == step) {
                    throw new Crash(s);
                }
            });
            assertThrows(Crash.class, () -> tx.link(b, link.name(), f, FsFileType.TYPE_S3, MetaFs.now()));
        }
        return link;
    }

    /** Either the new name and the link it counts are both there, or neither. */
    private void expectLinked(Link l, boolean linked) {
        assertEquals(linked ? l.inodeId() : 0, named(fs.meta, l.parent(), l.name()), "new name of " + l);
        assertEquals(linked ? 2 : 1, linksLeft(fs.meta, l.inodeId()), "links of " + l);
    }

    /** A second client starts the rename and is abandoned after {@code step}. */
    private Case abandonClientAt(RenameTx.Step step, Case c) {
        try (MetaFs doomed = MetaFs.open(cluster, "crash")) {
            RenameTx tx = new RenameTx(doomed.meta, TTL_MS, s -> {
                if (s == step) {
                    throw new Crash(s);
                }
            });
            assertThrows(Crash.class, () -> tx.run(c.plan(), MetaFs.now()));
        }
        return c;
    }

    /** The rename goes on while the primary's leader is killed after {@code step}; the node comes back after. */
    private Case killPrimaryLeaderAt(RenameTx.Step step, Case c) {
        int[] killed = {-1};
        RenameTx tx = new RenameTx(fs.meta, TTL_MS, s -> {
            // once: when the election outlasts the TTL, a metaserver aborts the transaction and the client
            // runs it again, passing this step a second time, and a second kill would leave no quorum
            if (s == step && killed[0] < 0) {
                killed[0] = killLeaderOf(fs.meta.partitionOf(c.srcParent()));
            }
        });
        try {
            tx.run(c.plan(), MetaFs.now());
        } finally {
            if (killed[0] >= 0) {
                cluster.startMetaserver(killed[0]);
            }
        }
        assertTrue(killed[0] >= 0, "the hook ran at " + step);
        awaitServing(cluster.metaserverAddrs().get(killed[0]));
        return c;
    }

    /**
     * Until the restarted node has loaded every copyset of the fs, it answers COPYSET_NOT_FOUND, which a
     * client takes for a stale route and retries only briefly: the next case must not start before.
     */
    private void awaitServing(String peer) {
        for (Route route : fs.meta.router().routes()) {
            PartitionInfo p = route.partition();
            CopysetProbe probe = new CopysetProbe(cluster.rpcClient(), p.getPoolId(), p.getCopysetId());
            Await.until(LEADER_WAIT, "copyset " + p.getCopysetId() + " on restarted " + peer,
                    () -> probe.status(peer, false) != null);
        }
    }

    private int killLeaderOf(int partitionId) {
        Route route = fs.meta.router().partition(partitionId);
        PartitionInfo p = route.partition();
        List<String> peers = new ArrayList<>();
        route.channel().peers().forEach(ep -> peers.add(ep.toString()));
        CopysetProbe probe = new CopysetProbe(cluster.rpcClient(), p.getPoolId(), p.getCopysetId());
        String leader = Await.value(LEADER_WAIT, "a leader of copyset " + p.getCopysetId(),
                () -> probe.leader(peers), Objects::nonNull);
        int index = cluster.metaserverIndexOf(leader);
        cluster.killMetaserver(index);
        return index;
    }

    private static int linksLeft(MetaClient meta, long ino) {
        try {
            return meta.getInode(ino, false).getNlink();
        } catch (RpcException e) {
            assertEquals(StatusCode.INODE_NOT_FOUND, e.code(), "inode " + ino);
            return 0;
        }
    }

    /** Read by the test's own client, which settles what the abandoned transaction left. */
    private void expectOutcome(Case c, boolean moved) {
        MetaClient meta = fs.meta;
        if (moved) {
            assertEquals(0, named(meta, c.srcParent(), c.srcName()), "old name of " + c);
            assertEquals(c.moved(), named(meta, c.dstParent(), c.dstName()), "new name of " + c);
            if (c.victim() != 0) {
                assertEquals(0, linksLeft(meta, c.victim()), "the replaced inode of " + c
                        + " has no name left (a directory is gone, a file waits in the trash)");
            }
            Inode inode = meta.getInode(c.moved(), false);
            assertEquals(List.of(c.dstParent()), inode.getParentList(), "parents of the moved inode of " + c);
        } else {
            assertEquals(c.moved(), named(meta, c.srcParent(), c.srcName()), "old name of " + c);
            assertEquals(c.victim(), named(meta, c.dstParent(), c.dstName()), "new name of " + c);
            assertEquals(List.of(c.srcParent()), meta.getInode(c.moved(), false).getParentList(),
                    "parents of the unmoved inode of " + c);
        }
    }

    /** The inode the name points to, 0 when absent. */
    private static long named(MetaClient meta, long parent, String name) {
        try {
            return meta.getDentry(parent, name).getInodeId();
        } catch (RpcException e) {
            if (e.code() == StatusCode.DENTRY_NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }
}
