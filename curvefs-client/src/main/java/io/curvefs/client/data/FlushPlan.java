package io.curvefs.client.data;

import io.curvefs.common.s3.ObjectLayout;
import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one flush of one file does: the objects to PUT and the chunk infos to append once all of them
 * are stored. Pending truncation zeros come first, then the dirty layers oldest first, so that the
 * metaserver's append order matches "newer wins". Adjacent dirty extents are coalesced into one chunk
 * info (one chunk id), split at chunk boundaries; each info's bytes are split into objects at block
 * boundaries exactly as {@link ObjectLayout} maps them back.
 */
final class FlushPlan {
    /** A slice of a dirty extent: bytes [rel, rel + length) of it. */
    record Slice(DirtyExtent extent, long rel, long length) {
    }

    /** One object to PUT, its body streamed from the (sealed, immutable) extents' pages. */
    record Upload(String name, List<Slice> slices, long length) {
        InputStream newStream() {
            return new SlicesInputStream(slices);
        }
    }

    private final Map<Long, List<S3ChunkInfo>> infos = new LinkedHashMap<>();
    private final List<Upload> uploads = new ArrayList<>();

    Map<Long, List<S3ChunkInfo>> infos() {
        return infos;
    }

    List<Upload> uploads() {
        return uploads;
    }

    boolean isEmpty() {
        return infos.isEmpty();
    }

    static FlushPlan build(ObjectLayout layout, long ino, long zeroFrom, long zeroTo, List<DirtyLayer> layers,
                           ChunkIdSource ids) throws IOException {
        FlushPlan plan = new FlushPlan();
        if (zeroFrom < zeroTo) {
            long chunkId = ids.next();   // zero infos have no objects: one id serves all their chunks
            plan.forEachChunkPiece(layout, zeroFrom, zeroTo, (s, e) -> plan.add(layout, S3ChunkInfo.newBuilder()
                    .setChunkId(chunkId).setOffset(s).setLen(e - s).setZero(true).build()));
        }
        for (DirtyLayer layer : layers) {
            List<DirtyExtent> run = new ArrayList<>();
            for (DirtyExtent e : layer.extents()) {
                if (!run.isEmpty() && run.get(run.size() - 1).end() != e.start) {
                    plan.addRun(layout, ino, run, ids);
                    run = new ArrayList<>();
                }
                run.add(e);
            }
            if (!run.isEmpty()) {
                plan.addRun(layout, ino, run, ids);
            }
        }
        return plan;
    }

    private interface PieceSink {
        void accept(long start, long end) throws IOException;
    }

    private void forEachChunkPiece(ObjectLayout layout, long from, long to, PieceSink sink) throws IOException {
        for (long s = from; s < to; ) {
            long e = Math.min(to, layout.chunkStart(layout.chunkIndex(s) + 1));
            sink.accept(s, e);
            s = e;
        }
    }

    /** A run of adjacent extents: one chunk info (and chunk id) per chunk it touches. */
    private void addRun(ObjectLayout layout, long ino, List<DirtyExtent> run, ChunkIdSource ids) throws IOException {
        long from = run.get(0).start;
        long to = run.get(run.size() - 1).end();
        forEachChunkPiece(layout, from, to, (s, e) -> {
            S3ChunkInfo info = S3ChunkInfo.newBuilder().setChunkId(ids.next()).setOffset(s)
                    .setLen(e - s).setSize(e - s).build();
            add(layout, info);
            for (ObjectLayout.ObjectSpan span : layout.objectsOf(ino, info)) {
                uploads.add(new Upload(span.name(), slices(run, span.fileStart(), span.fileEnd()), span.length()));
            }
        });
    }

    private void add(ObjectLayout layout, S3ChunkInfo info) {
        infos.computeIfAbsent(layout.chunkIndex(info.getOffset()), c -> new ArrayList<>()).add(info);
    }

    private static List<Slice> slices(List<DirtyExtent> run, long from, long to) {
        List<Slice> out = new ArrayList<>(2);
        for (DirtyExtent e : run) {
            long s = Math.max(from, e.start);
            long t = Math.min(to, e.end());
            if (s < t) {
                out.add(new Slice(e, s - e.start, t - s));
            }
        }
        return out;
    }

    /** Streams the bytes of a list of slices without copying them into one array first. */
    private static final class SlicesInputStream extends InputStream {
        private final List<Slice> slices;
        private int index;
        private long done;                  // bytes consumed from slices.get(index)

        SlicesInputStream(List<Slice> slices) {
            this.slices = slices;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (index < slices.size() && done == slices.get(index).length()) {
                index++;
                done = 0;
            }
            if (index == slices.size()) {
                return -1;
            }
            Slice s = slices.get(index);
            int n = s.extent().copyOut(s.rel() + done, b, off, (int) Math.min(len, s.length() - done));
            done += n;
            return n;
        }
    }
}
