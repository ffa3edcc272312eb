package io.curvefs.common.s3;

import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a chunk's info list means: sorted, non-overlapping segments where the newest info wins (the rule
 * of the client's io.curvefs.client.data package-info.java). Shared by the client's reads and the
 * metaserver's compaction, so that a compacted chunk reads exactly like the list it replaces.
 */
public final class ChunkSegments {
    /** File bytes [start, end) come from {@code info} (zeros when info.getZero()). */
    public record Segment(long start, long end, S3ChunkInfo info) {
        public Segment clip(long s, long e) {
            return new Segment(s, e, info);
        }
    }

    private ChunkSegments() {
    }

    /** The segments of one chunk's infos (oldest first), sorted by start; gaps were never written. */
    public static Segment[] resolve(List<S3ChunkInfo> list) {
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
