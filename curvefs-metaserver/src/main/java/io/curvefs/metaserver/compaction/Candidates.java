package io.curvefs.metaserver.compaction;

import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the chunks of a partition that need compaction (more infos than the threshold, or data past
 * EOF) in one pass over its chunk-info table, skipping files in the trash. A pass that found its limit
 * stops there and the next one resumes at that inode (a cursor per partition), so chunks that keep
 * failing do not starve the others. A partition whose last pass went through to the end and found
 * nothing is not scanned again until its copyset applies another raft entry: an idle cluster does not
 * read its chunk tables every interval.
 */
final class Candidates {
    private static final class Chunk {
        int infos;
        long maxEnd;
    }

    private final Map<Integer, Long> cursors = new ConcurrentHashMap<>();
    /** The copyset's applied index when the partition's last whole pass began. */
    private final Map<Integer, Long> wholePassAt = new ConcurrentHashMap<>();

    /**
     * Up to {@code limit} chunks as inode -> chunk indexes, in inode order from the partition's cursor;
     * {@code appliedIndex}: the copyset's, read before the reader.
     */
    Map<Long, List<Long>> find(MetaReader reader, int pid, long appliedIndex, int threshold, int limit) {
        long from = cursors.getOrDefault(pid, 0L);
        Map<Long, List<Long>> found = new LinkedHashMap<>();
        if (from == 0 && wholePassAt.getOrDefault(pid, -1L) == appliedIndex) {
            return found;                               // nothing changed since a pass that saw everything
        }
        long stoppedAt = scan(reader, pid, from, threshold, limit, found);
        cursors.put(pid, Math.max(0, stoppedAt));      // at the table's end, the next pass starts over
        if (from == 0 && stoppedAt < 0 && found.isEmpty()) {
            wholePassAt.put(pid, appliedIndex);
        } else {
            wholePassAt.remove(pid);
        }
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
            Chunk c = chunks.computeIfAbsent(chunkIndex, i -> new Chunk());
            for (S3ChunkInfo info : infos.getInfosList()) {
                c.infos++;
                if (info.getLen() > 0) {
                    c.maxEnd = Math.max(c.maxEnd, info.getOffset() + info.getLen());
                }
            }
            return true;
        });
        if (next[0] < 0) {
            take(reader, pid, current[0], chunks, threshold, limit, found);
        }
        return next[0];
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
