package io.curvefs.metaserver.compaction;

import io.curvefs.common.s3.ChunkSegments;
import io.curvefs.common.s3.ChunkSegments.Segment;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.metaserver.storage.ChunkAppend;
import io.curvefs.proto.metaserver.ChunkReplacement;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The compaction of one chunk, planned from the chunk-info keys read at one moment: the valid bytes
 * (newest info wins, clipped to the file length, zero infos dropped: what nothing covers reads as zeros)
 * go into ONE new set of objects: infos spanning the valid bytes (zeros filling small gaps), named with the
 * largest chunk id among the valid infos and a compaction generation above every info of that id in the
 * chunk, so no object is ever overwritten. Every key read is replaced, the new info stored under the
 * newest of them: infos appended later still shadow it.
 *
 * @param sources   the valid segments, in file order (where the new objects' bytes come from)
 * @param compacted the new infos, in file order; empty when nothing valid is left (the keys are just removed)
 */
record ChunkPlan(long chunkIndex, List<Long> replacedKeys, S3ChunkInfoList replaced, List<Segment> sources,
                 List<S3ChunkInfo> compacted) {

    /** Whether a chunk with these infos needs compaction: too many of them, or some reaching past EOF. */
    static boolean needed(int infoCount, long maxEnd, long length, int threshold) {
        return infoCount > threshold || maxEnd > length;
    }

    /** The plan for one chunk, or empty when it does not need compaction. */
    static Optional<ChunkPlan> of(ObjectLayout layout, long chunkIndex, List<ChunkAppend> appends, long length,
                                  int threshold) {
        S3ChunkInfoList.Builder all = S3ChunkInfoList.newBuilder();
        List<Long> keys = new ArrayList<>(appends.size());
        long maxEnd = 0;
        for (ChunkAppend a : appends) {
            keys.add(a.raftIndex());
            all.addAllInfos(a.infos().getInfosList());
            for (S3ChunkInfo info : a.infos().getInfosList()) {
                if (info.getLen() > 0) {
                    maxEnd = Math.max(maxEnd, info.getOffset() + info.getLen());
                }
            }
        }
        if (appends.isEmpty() || !needed(all.getInfosCount(), maxEnd, length, threshold)) {
            return Optional.empty();
        }
        long validEnd = Math.min(length, layout.chunkStart(chunkIndex + 1));
        List<Segment> sources = new ArrayList<>();
        for (Segment s : ChunkSegments.resolve(all.getInfosList())) {
            if (!s.info().getZero() && s.start() < validEnd) {
                sources.add(s.clip(s.start(), Math.min(s.end(), validEnd)));
            }
        }
        return Optional.of(new ChunkPlan(chunkIndex, keys, all.build(), sources,
                compactedInfos(layout, chunkIndex, all, sources, threshold)));
    }

    /**
     * The new infos: one per run of valid bytes that shares no block with another run (a gap that
     * reaches into another block ends a run), so that whole blocks without valid bytes are not written as
     * zeros, and infos of one name never share a block (an object name holds the block index). Runs above
     * the threshold become one info, or the chunk would be compacted again and again.
     */
    private static List<S3ChunkInfo> compactedInfos(ObjectLayout layout, long chunkIndex, S3ChunkInfoList.Builder all,
                                                    List<Segment> sources, int threshold) {
        List<S3ChunkInfo> out = new ArrayList<>();
        if (sources.isEmpty()) {
            return out;
        }
        long chunkId = sources.stream().mapToLong(s -> s.info().getChunkId()).max().orElseThrow();
        long generation = all.getInfosList().stream().filter(i -> i.getChunkId() == chunkId)
                .mapToLong(S3ChunkInfo::getCompaction).max().orElseThrow();
        long chunkStart = layout.chunkStart(chunkIndex);
        long runStart = sources.get(0).start();
        long runEnd = runStart;
        for (Segment s : sources) {
            boolean otherBlock = (s.start() - chunkStart) / layout.blockSize() > (runEnd - 1 - chunkStart) / layout.blockSize();
            if (s.start() > runEnd && otherBlock) {
                out.add(info(chunkId, generation + 1, runStart, runEnd));
                runStart = s.start();
            }
            runEnd = s.end();
        }
        out.add(info(chunkId, generation + 1, runStart, runEnd));
        if (out.size() > threshold) {
            return List.of(info(chunkId, generation + 1, sources.get(0).start(), runEnd));
        }
        return out;
    }

    private static S3ChunkInfo info(long chunkId, long compaction, long start, long end) {
        return S3ChunkInfo.newBuilder().setChunkId(chunkId).setCompaction(compaction).setOffset(start)
                .setLen(end - start).setSize(end - start).build();
    }

    ChunkReplacement toReplacement() {
        ChunkReplacement.Builder b = ChunkReplacement.newBuilder().setChunkIndex(chunkIndex)
                .addAllReplacedKeys(replacedKeys).setReplaced(replaced);
        return b.setCompacted(S3ChunkInfoList.newBuilder().addAllInfos(compacted)).build();
    }
}
