package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Show 6: with 64 ids per partition, one directory gets more files than its partition can hold. The
 * parent's partition turns READONLY, creates keep succeeding with inodes in other partitions, and once
 * every partition is full the client gets new ones from the MDS and uses them.
 */
class PartitionFullTest {
    private static final long IDS_PER_PARTITION = 64;
    private static final int INITIAL_PARTITIONS = 3;
    private static final int WRITERS = 4;
    /** Ids 1 and 2 are reserved: a partition hands out ids from max(3, start) to end. */
    private static final long FIRST_ALLOCATED_ID = 3;

    @Test
    void fullPartitionTurnsReadOnlyAndNewInodesGoElsewhere() throws Exception {
        Path work = MetaFs.workDir(PartitionFullTest.class);
        LocalCluster.Options defaults = LocalCluster.Options.defaults();
        LocalCluster.Options small = new LocalCluster.Options(defaults.mdsCount(), defaults.metaserverCount(),
                IDS_PER_PARTITION, Map.of("mds.partition.countAtCreateFs", Integer.toString(INITIAL_PARTITIONS)),
                Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
             LocalCluster cluster = LocalCluster.start(work.resolve("cluster"), small);
             MetaFs fs = MetaFs.create(cluster, s3, "small")) {
            run(fs, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private void run(MetaFs fs, ExecutorService pool) throws Exception {
        MetaClient meta = fs.meta;
        List<PartitionInfo> initial = fs.mds.listPartitions(fs.info.getFsId()).getPartitionsList();
        assertEquals(INITIAL_PARTITIONS, initial.size(), "partitions at create-fs");
        PartitionInfo rootPartition = meta.router().route(MetaFs.ROOT).partition();
        long rootCapacity = capacity(rootPartition);
        long initialCapacity = initial.stream().mapToLong(PartitionFullTest::capacity).sum();
        // enough to fill every initial partition and need new ones from the MDS
        int files = (int) (initialCapacity + IDS_PER_PARTITION);
        PartitionCounters.Totals baseline = PartitionCounters.totals(meta);

        Map<String, Long> created = new ConcurrentHashMap<>();
        Parallel.run(pool, WRITERS, Duration.ofMinutes(2), w -> {
            for (int i = w; i < files; i += WRITERS) {
                String name = String.format("f%04d", i);
                created.put(name, meta.createNode(MetaFs.ROOT, name, FsFileType.TYPE_FILE, 0100644, 0, 0, 0, "",
                        MetaFs.now()).inode().getInodeId());
            }
        });

        // every name, linked to the inode its create returned, each id once
        Map<String, Long> listed = new HashMap<>();
        for (Dentry d : meta.listAll(MetaFs.ROOT)) {
            listed.put(d.getName(), d.getInodeId());
        }
        assertEquals(created, listed);
        assertEquals(files, new HashSet<>(created.values()).size(), "no inode id is used twice");
        List<Inode> attrs = meta.batchGetInodeAttr(created.values());
        assertEquals(files, attrs.size(), "every inode exists wherever it was placed");

        // the parent's partition: full, READONLY, yet it holds every dentry of the directory
        PartitionInfo root = PartitionCounters.read(meta, rootPartition.getPartitionId());
        assertEquals(PartitionStatus.READONLY, root.getStatus());
        assertEquals(root.getEnd() + 1, root.getNextId());
        assertEquals(1 + rootCapacity, root.getInodeCount(), "the root and the files it had ids for");
        assertEquals(files, root.getDentryCount());

        // every initial partition handed out its whole range; the rest went to partitions made since
        for (PartitionInfo p : initial) {
            PartitionInfo now = PartitionCounters.read(meta, p.getPartitionId());
            assertEquals(PartitionStatus.READONLY, now.getStatus(), "initial partition " + p.getPartitionId());
            assertEquals(now.getEnd() + 1, now.getNextId(), "initial partition " + p.getPartitionId());
        }
        List<PartitionInfo> after = fs.mds.listPartitions(fs.info.getFsId()).getPartitionsList();
        assertTrue(after.size() > INITIAL_PARTITIONS, "the client asked the MDS for partitions: " + after.size());
        long inNewPartitions = created.values().stream().filter(ino -> !ownedByAny(initial, ino)).count();
        assertEquals(files - initialCapacity, inNewPartitions, "inodes placed in partitions created later");
        long outsideRoot = created.values().stream().filter(ino -> !owns(rootPartition, ino)).count();
        assertEquals(files - rootCapacity, outsideRoot, "inodes placed outside the parent's partition");

        assertEquals(baseline.plus(files, files, 0), PartitionCounters.totals(meta));
    }

    private static long capacity(PartitionInfo p) {
        return p.getEnd() + 1 - Math.max(FIRST_ALLOCATED_ID, p.getStart());
    }

    private static boolean owns(PartitionInfo p, long ino) {
        return ino >= p.getStart() && ino <= p.getEnd();
    }

    private static boolean ownedByAny(List<PartitionInfo> partitions, long ino) {
        return partitions.stream().anyMatch(p -> owns(p, ino));
    }
}
