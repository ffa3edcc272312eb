package io.curvefs.client.data;

import io.curvefs.common.s3.ChunkSegments;
import io.curvefs.common.s3.ChunkSegments.Segment;
import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of a file's chunk infos, with each chunk resolved (lazily, once) into sorted,
 * non-overlapping segments where the newest info wins ({@link ChunkSegments}). Ranges without a segment
 * were never written and read as zeros.
 */
final class ChunkMap {
    static final ChunkMap EMPTY = new ChunkMap(Map.of());

    private final Map<Long, List<S3ChunkInfo>> infos;
    private final ConcurrentHashMap<Long, Segment[]> resolved = new ConcurrentHashMap<>();

    ChunkMap(Map<Long, List<S3ChunkInfo>> infos) {
        this.infos = infos;
    }

    /** A new snapshot with {@code add} appended after the existing infos of each chunk. */
    ChunkMap withAppended(Map<Long, List<S3ChunkInfo>> add) {
        Map<Long, List<S3ChunkInfo>> merged = new HashMap<>(infos);
        for (Map.Entry<Long, List<S3ChunkInfo>> e : add.entrySet()) {
            List<S3ChunkInfo> list = new ArrayList<>(infos.getOrDefault(e.getKey(), List.of()));
            list.addAll(e.getValue());
            merged.put(e.getKey(), Collections.unmodifiableList(list));
        }
        ChunkMap next = new ChunkMap(merged);
        // resolutions of untouched chunks stay valid
        resolved.forEach((chunk, segs) -> {
            if (!add.containsKey(chunk)) {
                next.resolved.put(chunk, segs);
            }
        });
        return next;
    }

    /** The segments of one chunk, sorted by start. */
    Segment[] segments(long chunkIndex) {
        return resolved.computeIfAbsent(chunkIndex, c -> ChunkSegments.resolve(infos.getOrDefault(c, List.of())));
    }
}
