package io.curvefs.metaserver.compaction;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The files of one copyset whose chunk lists grew since the compactor last looked, by partition: filled
 * by the state machine after each committed batch (on every replica, so a new leader has them too), taken
 * by the compactor. A partition with more than {@link #LIMIT} changes waiting is marked lost instead of
 * growing without bound (a follower never takes): its next leader pass scans the whole table again. A
 * snapshot that replaces the store changes files without entries: the compactor scans whole after one.
 */
public final class ChangedChunks {
    static final int LIMIT = 100_000;

    private final Map<Integer, Set<Long>> byPartition = new HashMap<>();
    private final Set<Integer> lost = new HashSet<>();

    public synchronized void add(int partitionId, long ino) {
        if (lost.contains(partitionId)) {
            return;
        }
        Set<Long> inodes = byPartition.computeIfAbsent(partitionId, p -> new HashSet<>());
        inodes.add(ino);
        if (inodes.size() > LIMIT) {
            byPartition.remove(partitionId);
            lost.add(partitionId);
        }
    }

    /** The partition's changes, now no longer waiting; null when some were lost. */
    synchronized Set<Long> take(int partitionId) {
        Set<Long> inodes = byPartition.remove(partitionId);
        if (lost.remove(partitionId)) {
            return null;
        }
        return inodes == null ? Set.of() : inodes;
    }

    /** Files to look at again in the next round. */
    synchronized void putBack(int partitionId, Collection<Long> inodes) {
        for (long ino : inodes) {
            add(partitionId, ino);
        }
    }
}
