package io.curvefs.client.data;

import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The metaserver's side of the contract, in memory: infos and lengths per inode, atomic per call. */
final class MemoryChunkInfoStore implements ChunkInfoStore {
    private final Map<Long, Map<Long, List<S3ChunkInfo>>> infos = new HashMap<>();
    private final Map<Long, Long> lengths = new HashMap<>();

    @Override
    public synchronized Map<Long, List<S3ChunkInfo>> load(long inodeId) {
        Map<Long, List<S3ChunkInfo>> copy = new HashMap<>();
        infos.getOrDefault(inodeId, Map.of()).forEach((c, l) -> copy.put(c, List.copyOf(l)));
        return copy;
    }

    @Override
    public synchronized void append(long inodeId, Map<Long, List<S3ChunkInfo>> add, OptionalLong newLength) {
        Map<Long, List<S3ChunkInfo>> file = infos.computeIfAbsent(inodeId, k -> new HashMap<>());
        add.forEach((c, l) -> file.computeIfAbsent(c, k -> new ArrayList<>()).addAll(l));
        newLength.ifPresent(len -> lengths.put(inodeId, len));
    }

    /** Replaces all infos of a file, as compaction does. */
    synchronized void replace(long inodeId, Map<Long, List<S3ChunkInfo>> all) {
        Map<Long, List<S3ChunkInfo>> file = new HashMap<>();
        all.forEach((c, l) -> file.put(c, new ArrayList<>(l)));
        infos.put(inodeId, file);
    }

    synchronized long length(long inodeId) {
        return lengths.getOrDefault(inodeId, 0L);
    }

    synchronized Map<Long, Map<Long, List<S3ChunkInfo>>> all() {
        Map<Long, Map<Long, List<S3ChunkInfo>>> copy = new HashMap<>();
        infos.keySet().forEach(ino -> copy.put(ino, load(ino)));
        return copy;
    }
}
