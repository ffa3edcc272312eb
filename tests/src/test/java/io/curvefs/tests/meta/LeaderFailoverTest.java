package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.Route;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Show 3: kill -9 of a copyset leader during a stream of mutations. The stream continues after the
 * re-election with no lost and no doubled effect; the killed node restarts and catches up (from a
 * snapshot, since the survivors snapshot every 5 s and compact their logs while it is down); then a
 * checksum of each replica's data is identical on all three.
 */
class LeaderFailoverTest {
    private static final int WRITERS = 4;
    private static final int SNAPSHOT_INTERVAL_SEC = 5;
    /** More than two snapshot intervals, so the survivors have snapshotted past the victim's log. */
    private static final Duration DOWN_AT_LEAST = Duration.ofSeconds(12);
    private static final int PROGRESS = 150;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void streamSurvivesLeaderKillAndReplicasConverge() throws Exception {
        Path work = MetaFs.workDir(LeaderFailoverTest.class);
        LocalCluster.Options defaults = LocalCluster.Options.defaults();
        LocalCluster.Options fastSnapshots = new LocalCluster.Options(defaults.mdsCount(),
                defaults.metaserverCount(), defaults.idsPerPartition(), Map.of(),
                Map.of("metaserver.raft.snapshotIntervalSec", Integer.toString(SNAPSHOT_INTERVAL_SEC)));
        try (EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
             LocalCluster cluster = LocalCluster.start(work.resolve("cluster"), fastSnapshots);
             MetaFs fs = MetaFs.create(cluster, s3, "failover")) {
            MetaClient meta = fs.meta;
            long dir = meta.createNode(MetaFs.ROOT, "stream", FsFileType.TYPE_DIRECTORY, 040755, 0, 0, 0, "",
                    MetaFs.now()).inode().getInodeId();
            // every file of the stream lives in the directory's partition, so one copyset takes all of it
            Route route = meta.router().route(dir);
            PartitionInfo partition = route.partition();
            List<String> peers = new ArrayList<>();
            route.channel().peers().forEach(ep -> peers.add(ep.toString()));
            CopysetProbe probe = new CopysetProbe(cluster.rpcClient(), partition.getPoolId(),
                    partition.getCopysetId());
            PartitionCounters.Totals baseline = PartitionCounters.totals(meta);

            MutationStream stream = new MutationStream(meta, dir);
            String victim;
            int victimIndex;
            boolean stopped;
            try {
                stream.start(WRITERS);
                awaitProgress(stream, 0, Duration.ZERO, "before the kill");

                victim = Await.value(Duration.ofSeconds(30), "a leader of copyset " + partition.getCopysetId(),
                        () -> probe.leader(peers), Objects::nonNull);
                victimIndex = cluster.metaserverIndexOf(victim);
                cluster.killMetaserver(victimIndex);
                awaitProgress(stream, stream.completed(), DOWN_AT_LEAST, "while the old leader is down");

                cluster.startMetaserver(victimIndex);
                awaitProgress(stream, stream.completed(), Duration.ZERO, "after the restart");
            } finally {
                stopped = stream.stop(Duration.ofSeconds(60));
            }
            assertTrue(stopped, "the writers stop");
            assertEquals(List.of(), stream.failures(), "every mutation of the stream succeeded");

            verifyEffects(meta, dir, stream.created(), baseline);
            verifyReplicas(probe, peers, victim);
            String group = "<cs_" + partition.getPoolId() + "_" + partition.getCopysetId() + "/";
            Path victimLog = cluster.logFile("metaserver" + victimIndex);
            assertTrue(Files.readAllLines(victimLog).stream()
                            .anyMatch(line -> line.contains(group) && line.contains("InstallSnapshotRequest")),
                    victimLog + " shows no snapshot installed for " + group
                            + " (the survivors should have compacted their logs while it was down)");
        }
    }

    /** Waits until {@link #PROGRESS} more files completed and at least {@code minTime} passed. */
    private static void awaitProgress(MutationStream stream, int from, Duration minTime, String when) {
        long start = System.nanoTime();
        Await.until(PROGRESS_TIMEOUT, PROGRESS + " more completed files " + when, () -> {
            if (!stream.failures().isEmpty()) {
                throw new AssertionError("the stream failed " + when, stream.failures().get(0));
            }
            return stream.completed() >= from + PROGRESS && System.nanoTime() - start >= minTime.toNanos();
        });
    }

    /** Each name once, each id once, every effect applied exactly once, counters agree. */
    private static void verifyEffects(MetaClient meta, long dir, Map<String, MutationStream.Created> created,
                                      PartitionCounters.Totals baseline) throws Exception {
        List<Dentry> listed = meta.listAll(dir);
        Map<String, Long> byName = new HashMap<>();
        for (Dentry d : listed) {
            assertNull(byName.put(d.getName(), d.getInodeId()), "name listed twice: " + d.getName());
        }
        Map<String, Long> expected = new HashMap<>();
        created.forEach((name, c) -> expected.put(name, c.inodeId()));
        assertEquals(expected, byName, "the directory holds exactly the files created");
        assertEquals(created.size(), new HashSet<>(byName.values()).size(), "no inode id is used twice");

        assertEquals(baseline.plus(created.size(), created.size(), created.size() * MutationStream.LENGTH),
                PartitionCounters.totals(meta), "partition counters count each create once");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Map.Entry<String, MutationStream.Created>> files = new ArrayList<>(created.entrySet());
            Parallel.run(pool, files.size(), Duration.ofMinutes(2), i -> {
                MutationStream.Created c = files.get(i).getValue();
                Inode inode = meta.getInode(c.inodeId(), true);
                assertEquals(0100000 | MutationStream.MODE, inode.getMode());
                assertEquals(MutationStream.UID, inode.getUid());
                assertEquals(MutationStream.LENGTH, inode.getLength());
                S3ChunkInfoList chunks = inode.getS3ChunkInfoMapMap().get(0L);
                assertNotNull(chunks, "chunk 0 of " + files.get(i).getKey());
                assertEquals(1, chunks.getInfosCount(), "appended once: " + files.get(i).getKey());
                assertEquals(c.chunkId(), chunks.getInfos(0).getChunkId());
                assertEquals(1, inode.getS3ChunkInfoMapCount());
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /** The restarted replica reaches the others' applied index; then all three hash the same. */
    private static void verifyReplicas(CopysetProbe probe, List<String> peers, String restarted) {
        Map<String, CopysetStatus> converged = Await.value(CATCH_UP_TIMEOUT,
                restarted + " catching up with the copyset's leader",
                () -> statuses(probe, peers), all -> sameAppliedIndex(all)
                        && all.values().stream().anyMatch(s -> CopysetProbe.LEADER.equals(s.getState())));
        long applied = converged.values().iterator().next().getAppliedIndex();
        Map<String, CopysetStatus> hashed = Await.value(Duration.ofSeconds(30),
                "three hashes taken at one applied index", () -> hashes(probe, peers), LeaderFailoverTest::sameAppliedIndex);
        Map<String, String> hashes = new HashMap<>();
        hashed.forEach((peer, s) -> hashes.put(peer, s.getHash()));
        assertTrue(hashed.values().iterator().next().getAppliedIndex() >= applied);
        assertEquals(1, new HashSet<>(hashes.values()).size(), "replica checksums differ: " + hashes);
        assertFalse(hashes.values().iterator().next().isEmpty(), "a replica returned no hash");
    }

    private static Map<String, CopysetStatus> statuses(CopysetProbe probe, List<String> peers) {
        Map<String, CopysetStatus> out = new HashMap<>();
        for (String peer : peers) {
            out.put(peer, probe.status(peer, false));
        }
        return out;
    }

    private static Map<String, CopysetStatus> hashes(CopysetProbe probe, List<String> peers) {
        Map<String, CopysetStatus> out = new HashMap<>();
        for (String peer : peers) {
            out.put(peer, probe.status(peer, true));
        }
        return out;
    }

    private static boolean sameAppliedIndex(Map<String, CopysetStatus> statuses) {
        return statuses.values().stream().map(CopysetStatus::getAppliedIndex).distinct().count() == 1;
    }
}
