package io.curvefs.tests.meta;

import io.curvefs.common.meta.DentryPage;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.tests.cluster.EmbeddedS3;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Show 2: through the metaserver API, 10,000 inodes with dentries in a tree (100 directories of 100
 * files), listed back page by page, attributes updated, then deleted; the partition counters agree
 * at every step.
 */
class MetadataTreeTest {
    private static final int DIRS = 100;
    private static final int FILES_PER_DIR = 100;
    private static final int PAGE = 37;
    private static final int THREADS = 16;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COUNTERS_SETTLE = Duration.ofSeconds(20);
    private static final int DIR_MODE = 040755;
    private static final int FILE_MODE = 0100644;

    @Test
    void tenThousandInodesAreCreatedListedUpdatedAndDeleted() throws Exception {
        Path work = MetaFs.workDir(MetadataTreeTest.class);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
             LocalCluster cluster = LocalCluster.start(work.resolve("cluster"), LocalCluster.Options.defaults());
             MetaFs fs = MetaFs.create(cluster, s3, "tree")) {
            run(fs.meta, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private void run(MetaClient meta, ExecutorService pool) throws Exception {
        PartitionCounters.Totals baseline = PartitionCounters.totals(meta);

        // directories first (their dentries go to the root's partition), then their files in parallel
        Map<String, Long> dirs = new ConcurrentHashMap<>();
        Parallel.run(pool, DIRS, STEP_TIMEOUT, d -> {
            String name = dirName(d);
            dirs.put(name, meta.createNode(MetaFs.ROOT, name, FsFileType.TYPE_DIRECTORY, DIR_MODE, 0, 0, 0, "",
                    MetaFs.now()).inode().getInodeId());
        });
        Map<Long, Map<String, Long>> files = new ConcurrentHashMap<>();
        Parallel.run(pool, DIRS, STEP_TIMEOUT, d -> {
            long dir = dirs.get(dirName(d));
            Map<String, Long> inDir = new TreeMap<>();
            for (int f = 0; f < FILES_PER_DIR; f++) {
                String name = fileName(f);
                inDir.put(name, meta.createNode(dir, name, FsFileType.TYPE_FILE, FILE_MODE, 0, 0, 0, "",
                        MetaFs.now()).inode().getInodeId());
            }
            files.put(dir, inDir);
        });
        int created = DIRS + DIRS * FILES_PER_DIR;
        assertEquals(created, distinctIds(dirs, files), "every create got its own inode id");
        awaitTotals(meta, baseline.plus(created, created, 0), "after the creates");

        // listed back page by page: every name once, in order, pages no larger than asked
        assertEquals(List.copyOf(new TreeMap<>(dirs).keySet()), listPaged(meta, MetaFs.ROOT));
        for (Map.Entry<Long, Map<String, Long>> dir : files.entrySet()) {
            assertEquals(List.copyOf(dir.getValue().keySet()), listPaged(meta, dir.getKey()),
                    "listing of directory " + dir.getKey());
        }

        // attributes updated, then read back in batches
        Parallel.run(pool, DIRS, STEP_TIMEOUT, d -> {
            long dir = dirs.get(dirName(d));
            for (Map.Entry<String, Long> file : files.get(dir).entrySet()) {
                long ino = file.getValue();
                meta.updateInode(ino, u -> u.setMode(0600).setUid(uidOf(ino)).setGid(7)
                        .setMtime(MetaFs.time(1_700_000_000L + ino, (int) (ino % 1_000_000_000)))
                        .setLength(lengthOf(ino)));
            }
        });
        long bytes = 0;
        for (Map<String, Long> inDir : files.values()) {
            List<Inode> attrs = meta.batchGetInodeAttr(inDir.values());
            assertEquals(inDir.size(), attrs.size(), "every file of the directory is found");
            for (Inode inode : attrs) {
                long ino = inode.getInodeId();
                assertEquals(0100600, inode.getMode(), "mode of " + ino + " keeps its type bits");
                assertEquals(uidOf(ino), inode.getUid());
                assertEquals(7, inode.getGid());
                assertEquals(1_700_000_000L + ino, inode.getMtime());
                assertEquals(ino % 1_000_000_000, inode.getMtimeNs());
                assertEquals(lengthOf(ino), inode.getLength());
                bytes += inode.getLength();
            }
        }
        awaitTotals(meta, baseline.plus(created, created, bytes), "after the updates");

        // deleted: names first, then inodes; directories once empty
        Parallel.run(pool, DIRS, STEP_TIMEOUT, d -> {
            long dir = dirs.get(dirName(d));
            for (Map.Entry<String, Long> file : files.get(dir).entrySet()) {
                Dentry removed = meta.deleteDentry(dir, file.getKey(), MetaFs.now());
                assertEquals((long) file.getValue(), removed.getInodeId());
                meta.deleteInode(file.getValue(), MetaFs.now());
            }
            assertTrue(meta.listAll(dir).isEmpty(), "directory " + dir + " is empty");
            meta.deleteDentry(MetaFs.ROOT, dirName(d), MetaFs.now());
            meta.deleteInode(dir, MetaFs.now());
        });
        assertTrue(meta.listAll(MetaFs.ROOT).isEmpty(), "the root is empty again");
        long someFile = files.values().iterator().next().values().iterator().next();
        Inode trashed = meta.getInode(someFile, false);
        assertEquals(0, trashed.getNlink(), "a deleted file waits in the trash for its retention");
        assertTrue(trashed.getDtime() > 0, "with its deletion time");
        RpcException gone = assertThrows(RpcException.class, () -> meta.getInode(dirs.get(dirName(0)), false));
        assertEquals(StatusCode.INODE_NOT_FOUND, gone.code(), "a deleted directory has no data to wait for");
        awaitTotals(meta, baseline, "after the deletes (trashed files count no more)");
    }

    /** Pages of {@link #PAGE} entries, each resuming after the previous page's last name. */
    private static List<String> listPaged(MetaClient meta, long dir) {
        List<String> names = new ArrayList<>();
        String last = "";
        DentryPage page;
        do {
            page = meta.listDentry(dir, last, PAGE);
            assertTrue(page.entries().size() <= PAGE, "page larger than asked: " + page.entries().size());
            assertFalse(page.hasMore() && page.entries().isEmpty(), "an empty page that claims more");
            for (Dentry d : page.entries()) {
                assertTrue(d.getName().compareTo(last) > 0, d.getName() + " does not come after " + last);
                assertEquals(dir, d.getParentInodeId());
                names.add(d.getName());
                last = d.getName();
            }
        } while (page.hasMore());
        return names;
    }

    /**
     * Counters travel with each change in the same batch, so they are exact on the leader; the wait only
     * covers a read served by a replica that has not applied the last entries yet.
     */
    private static void awaitTotals(MetaClient meta, PartitionCounters.Totals expected, String when) {
        Await.value(COUNTERS_SETTLE, "partition counters " + expected + " " + when,
                () -> PartitionCounters.totals(meta), expected::equals);
    }

    private static long distinctIds(Map<String, Long> dirs, Map<Long, Map<String, Long>> files) {
        List<Long> all = new ArrayList<>(dirs.values());
        files.values().forEach(m -> all.addAll(m.values()));
        return all.stream().distinct().count();
    }

    private static int uidOf(long ino) {
        return 1000 + (int) (ino % 7);
    }

    private static long lengthOf(long ino) {
        return ino * 10;
    }

    private static String dirName(int d) {
        return String.format("d%03d", d);
    }

    private static String fileName(int f) {
        return String.format("f%03d", f);
    }
}
