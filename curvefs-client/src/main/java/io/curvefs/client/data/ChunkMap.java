package io.curvefs.client.data;

import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of a file's chunk infos, with each chunk resolved (lazily, once) into sorted,
 * non-overlapping segments where the newest info wins. Ranges without a segment were never written and
 * read as zeros.
 */
final class ChunkMap {
    /** File bytes [start, end) come from {@code info} (zeros when info.getZero()). */
    record Segment(long start, long end, S3ChunkInfo info) {
        Segment clip(long s, long e) {
            return new Segment(s, e, info);
        }
    }

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
        return resolved.computeIfAbsent(chunkIndex, c -> resolve(infos.getOrDefault(c, List.of())));
    }

    private static Segment[] resolve(List<S3ChunkInfo> list) {
        TreeMap<Long, Segment> map = new TreeMap<>();
        for (S3ChunkInfo info : list) {          // oldest first: each later info overlays what is there
            if (info.getLen() > 0) {
                overlay(map, new Segment(info.getOffset(), info.getOffset() + info.getLen(), info));
            }
        }
        return map.values().toArray(new Segment[0]);
    }

    private static void overlay(TreeMap<Long, Segment> map, Segment n) {
        Map.Entry<Long, Segment> lower = map.lowerEntry(n.start());
        if (lower != null && lower.getValue().end() > n.start()) {
            Segment o = lower.getValue();
            map.put(o.start(), o.clip(o.start(), n.start()));
            if (o.end() > n.end()) {
                map.put(n.end(), o.clip(n.end(), o.end()));
            }
        }
        NavigableMap<Long, Segment> inside = map.subMap(n.start(), true, n.end(), false);
        Segment last = inside.isEmpty() ? null : inside.lastEntry().getValue();
        inside.clear();
        if (last != null && last.end() > n.end()) {
            map.put(n.end(), last.clip(n.end(), last.end()));
        }
        map.put(n.start(), n);
    }
}
