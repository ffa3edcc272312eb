package io.curvefs.metaserver.compaction;

import io.curvefs.common.s3.ChunkSegments.Segment;
import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.common.s3.ObjectLayout.ObjectSpan;
import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the objects of a plan's compacted infos: each new object (at most a block) is assembled in
 * memory from the valid bytes of the old objects (one ranged GET per old object and new object, however
 * many pieces of it are valid), zeros where nothing valid lies, then PUT under its new name.
 */
final class ChunkRewriter {
    private record Piece(ObjectSpan from, long fileStart, long fileEnd) {
    }

    private final S3ObjectStore store;
    private final ObjectLayout layout;

    ChunkRewriter(S3ObjectStore store, ObjectLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /** PUTs the plan's new objects; {@code written} receives each name before its PUT starts. */
    void write(long ino, ChunkPlan plan, List<String> written) throws IOException {
        for (S3ChunkInfo info : plan.compacted()) {
            for (ObjectSpan target : layout.objectsOf(ino, info)) {
                byte[] bytes = assemble(ino, plan.sources(), target);
                written.add(target.name());
                store.put(target.name(), () -> new ByteArrayInputStream(bytes), bytes.length, store.deadlineFromNow());
            }
        }
    }

    private byte[] assemble(long ino, List<Segment> sources, ObjectSpan target) throws IOException {
        byte[] bytes = new byte[(int) target.length()];
        Map<String, List<Piece>> byObject = new LinkedHashMap<>();
        for (Segment s : sources) {
            long from = Math.max(s.start(), target.fileStart());
            long to = Math.min(s.end(), target.fileEnd());
            while (from < to) {
                ObjectSpan old = layout.objectAt(ino, s.info(), from);
                long end = Math.min(to, old.fileEnd());
                byObject.computeIfAbsent(old.name(), n -> new ArrayList<>()).add(new Piece(old, from, end));
                from = end;
            }
        }
        for (List<Piece> pieces : byObject.values()) {
            ObjectSpan old = pieces.get(0).from();
            long first = pieces.stream().mapToLong(Piece::fileStart).min().orElseThrow();
            long last = pieces.stream().mapToLong(Piece::fileEnd).max().orElseThrow();
            byte[] range = store.get(old.name(), first - old.fileStart(), last - first, store.deadlineFromNow(),
                    in -> in.readNBytes((int) (last - first)));
            if (range.length != last - first) {
                throw new IOException("S3 GET " + old.name() + ": short body");
            }
            for (Piece p : pieces) {
                System.arraycopy(range, (int) (p.fileStart() - first), bytes, (int) (p.fileStart() - target.fileStart()),
                        (int) (p.fileEnd() - p.fileStart()));
            }
        }
        return bytes;
    }
}
