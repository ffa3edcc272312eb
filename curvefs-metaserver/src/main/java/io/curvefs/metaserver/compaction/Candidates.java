package io.curvefs.metaserver.compaction;

import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the chunks of a partition that need compaction (more infos than the threshold, or data past
 * EOF), skipping files in the trash. The first time in a leadership (or after a snapshot install) it passes over the partition's whole
 * chunk-info table; a pass that found its limit stops there and the next one resumes at that inode (a
 * cursor per partition), so chunks that keep failing do not starve the others. After a whole pass only
 * the files whose chunk lists grew since ({@link ChangedChunks}) are read: the cost follows the writes,
 * not the size of the table. Files found are looked at again in the next round, so a compaction that
 * failed is retried and one that succeeded is dropped.
 */
final class Candidates {
    private static final class Chunk {
        int infos;
        long maxEnd;
    }

    private final Map<Integer, Long> cursors = new ConcurrentHashMap<>();
    /** When the partition's last whole pass ended. */
    private final Map<Integer, Epoch> wholePassAt = new ConcurrentHashMap<>();

    /**
     * A leadership of the copyset and the last snapshot that replaced its store: a change of either means
     * changes may have happened that {@link ChangedChunks} did not see.
     */
    record Epoch(long term, long snapshotIndex) {
    }

    /** Up to {@code limit} chunks as inode -> chunk indexes, in inode order. */
    Map<Long, List<Long>> find(MetaReader reader, int pid, ChangedChunks changes, Epoch epoch, int threshold,
                               int limit) {
        long from = cursors.getOrDefault(pid, 0L);
        Map<Long, List<Long>> found = new LinkedHashMap<>();
        Set<Long> changed = from == 0 && epoch.equals(wholePassAt.get(pid)) ? changes.take(pid) : null;
        if (changed != null) {
            List<Long> inodes = new ArrayList<>(new TreeSet<>(changed));
            for (int i = 0; i < inodes.size(); i++) {
                if (count(found) >= limit) {
                    changes.putBack(pid, inodes.subList(i, inodes.size()));
                    break;
                }
                TreeMap<Long, Chunk> chunks = new TreeMap<>();
                reader.chunks(pid, inodes.get(i), List.of()).forEach((index, infos) -> add(chunks, index, infos));
                take(reader, pid, inodes.get(i), chunks, threshold, limit, found);
            }
        } else {
            if (from == 0) {
                changes.take(pid);                      // the pass sees every change made before it
            }
            long stoppedAt = scan(reader, pid, from, threshold, limit, found);
            cursors.put(pid, Math.max(0, stoppedAt));  // at the table's end, the next pass starts over
            if (stoppedAt < 0) {
                wholePassAt.put(pid, epoch);
            }
        }
        changes.putBack(pid, found.keySet());
        return found;
    }

    /** Scans from {@code from}; answers the inode after the last one taken, or -1 at the table's end. */
    private static long scan(MetaReader reader, int pid, long from, int threshold, int limit,
                             Map<Long, List<Long>> found) {
        long[] current = {-1};
        long[] next = {-1};
        TreeMap<Long, Chunk> chunks = new TreeMap<>();
        reader.scanChunks(pid, from, (ino, chunkIndex, infos) -> {
            if (ino != current[0]) {
                take(reader, pid, current[0], chunks, threshold, limit, found);
                chunks.clear();
                current[0] = ino;
                if (count(found) >= limit) {
                    next[0] = ino;
                    return false;
                }
            }
            add(chunks, chunkIndex, infos);
            return true;
        });
        if (next[0] < 0) {
            take(reader, pid, current[0], chunks, threshold, limit, found);
        }
        return next[0];
    }

    private static void add(TreeMap<Long, Chunk> chunks, long chunkIndex, S3ChunkInfoList infos) {
        Chunk c = chunks.computeIfAbsent(chunkIndex, i -> new Chunk());
        for (S3ChunkInfo info : infos.getInfosList()) {
            c.infos++;
            if (info.getLen() > 0) {
                c.maxEnd = Math.max(c.maxEnd, info.getOffset() + info.getLen());
            }
        }
    }

    private static void take(MetaReader reader, int pid, long ino, Map<Long, Chunk> chunks, int threshold,
                             int limit, Map<Long, List<Long>> found) {
        if (ino < 0 || chunks.isEmpty()) {
            return;
        }
        Inode inode = reader.inode(pid, ino).orElse(null);
        if (inode == null || inode.getNlink() == 0) {
            return;                      // the trash deletes it whole
        }
        List<Long> needed = new ArrayList<>();
        chunks.forEach((index, c) -> {
            if (count(found) + needed.size() < limit && ChunkPlan.needed(c.infos, c.maxEnd, inode.getLength(), threshold)) {
                needed.add(index);
            }
        });
        if (!needed.isEmpty()) {
            found.put(ino, needed);
        }
    }

    private static int count(Map<Long, List<Long>> found) {
        return found.values().stream().mapToInt(List::size).sum();
    }
}
