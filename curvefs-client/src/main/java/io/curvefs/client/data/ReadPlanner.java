package io.curvefs.client.data;

import io.curvefs.common.s3.ChunkSegments.Segment;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.util.List;

/**
 * Turns a range of committed file bytes into object pieces to fetch and ranges that read as zeros
 * (never written, or covered by a zero info), using the resolved segments of a {@link ChunkMap}.
 */
final class ReadPlanner {
    /** Receives file ranges that read as zeros. */
    interface ZeroSink {
        void zeros(long start, long end);
    }

    private final ObjectLayout layout;
    private final long ino;

    ReadPlanner(ObjectLayout layout, long ino) {
        this.layout = layout;
        this.ino = ino;
    }

    /**
     * Plans file bytes [from, to); file offset {@code origin} corresponds to destination index
     * {@code dstBase} in the pieces produced.
     */
    void plan(ChunkMap map, long from, long to, long origin, int dstBase, List<BlockCache.ObjectPiece> pieces,
              ZeroSink zeros) {
        for (long chunk = layout.chunkIndex(from); from < to; chunk++) {
            long end = Math.min(to, layout.chunkStart(chunk + 1));
            Segment[] segs = map.segments(chunk);
            long pos = from;
            for (int i = firstEndingAfter(segs, pos); i < segs.length && segs[i].start() < end; i++) {
                Segment seg = segs[i];
                if (seg.start() > pos) {
                    zeros.zeros(pos, seg.start());
                    pos = seg.start();
                }
                long segEnd = Math.min(end, seg.end());
                if (seg.info().getZero()) {
                    zeros.zeros(pos, segEnd);
                    pos = segEnd;
                    continue;
                }
                pos = addPieces(seg.info(), pos, segEnd, origin, dstBase, pieces);
            }
            if (pos < end) {
                zeros.zeros(pos, end);
            }
            from = end;
        }
    }

    private long addPieces(S3ChunkInfo info, long pos, long end, long origin, int dstBase,
                           List<BlockCache.ObjectPiece> pieces) {
        while (pos < end) {
            ObjectLayout.ObjectSpan span = layout.objectAt(ino, info, pos);
            long pieceEnd = Math.min(end, span.fileEnd());
            pieces.add(new BlockCache.ObjectPiece(span.name(), span.length(), pos - span.fileStart(),
                    (int) (pieceEnd - pos), dstBase + (int) (pos - origin)));
            pos = pieceEnd;
        }
        return pos;
    }

    /** Index of the first segment whose end is beyond pos (segments are sorted and disjoint). */
    private static int firstEndingAfter(Segment[] segs, long pos) {
        int lo = 0;
        int hi = segs.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (segs[mid].end() <= pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
