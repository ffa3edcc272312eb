package io.curvefs.common.s3;

import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the bytes of a file live in the object store: chunk and block arithmetic and object names
 * (the exact mapping is documented in the client's io.curvefs.client.data package-info.java). Pure
 * functions, shared by the client's write and read paths and by the metaserver's trash, so that all
 * agree by construction.
 */
public final class ObjectLayout {
    public static final long DEFAULT_BLOCK_SIZE = 4L << 20;
    public static final long DEFAULT_CHUNK_SIZE = 64L << 20;

    /** One object of a chunk info: it holds the file bytes [fileStart, fileStart + length). */
    public record ObjectSpan(String name, long fileStart, long length) {
        public long fileEnd() {
            return fileStart + length;
        }
    }

    private final int fsId;
    private final String prefix;
    private final long chunkSize;
    private final long blockSize;

    public ObjectLayout(S3Info info, int fsId) {
        this.fsId = fsId;
        this.prefix = info.getObjectPrefix();
        this.blockSize = info.getBlockSize() == 0 ? DEFAULT_BLOCK_SIZE : info.getBlockSize();
        this.chunkSize = info.getChunkSize() == 0 ? DEFAULT_CHUNK_SIZE : info.getChunkSize();
        if (chunkSize % blockSize != 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a multiple of block size " + blockSize);
        }
    }

    public long chunkSize() {
        return chunkSize;
    }

    public long blockSize() {
        return blockSize;
    }

    public long chunkIndex(long fileOffset) {
        return fileOffset / chunkSize;
    }

    public long chunkStart(long chunkIndex) {
        return chunkIndex * chunkSize;
    }

    /** Every object name of this file system starts with this (delete-fs lists and deletes them). */
    public String fsPrefix() {
        return prefix + fsId + "_";
    }

    /** Every object name of this file system's inode starts with this (used to list a file's objects). */
    public String inodePrefix(long ino) {
        return fsPrefix() + ino + "_";
    }

    public String objectName(long ino, long chunkId, long blockIndex, long compaction) {
        return inodePrefix(ino) + chunkId + "_" + blockIndex + "_" + compaction;
    }

    /** The object of {@code info} that holds file offset {@code fileOffset} (which must lie inside the info). */
    public ObjectSpan objectAt(long ino, S3ChunkInfo info, long fileOffset) {
        long chunkStart = chunkStart(chunkIndex(info.getOffset()));
        long blockIndex = (fileOffset - chunkStart) / blockSize;
        long blockStart = chunkStart + blockIndex * blockSize;
        // the first object of an info starts at the info's offset, not at the block boundary
        long start = Math.max(info.getOffset(), blockStart);
        long end = Math.min(info.getOffset() + info.getLen(), blockStart + blockSize);
        return new ObjectSpan(objectName(ino, info.getChunkId(), blockIndex, info.getCompaction()), start, end - start);
    }

    /** All objects of a (non-zero) chunk info, in file order. */
    public List<ObjectSpan> objectsOf(long ino, S3ChunkInfo info) {
        List<ObjectSpan> spans = new ArrayList<>();
        long end = info.getOffset() + info.getLen();
        for (long pos = info.getOffset(); pos < end; ) {
            ObjectSpan span = objectAt(ino, info, pos);
            spans.add(span);
            pos = span.fileEnd();
        }
        return spans;
    }

    /** Every object that the chunk infos of inode {@code ino} name (zero infos have none). */
    public Set<String> objectNames(long ino, Collection<S3ChunkInfoList> chunkInfos) {
        Set<String> names = new TreeSet<>();
        for (S3ChunkInfoList list : chunkInfos) {
            for (S3ChunkInfo info : list.getInfosList()) {
                if (!info.getZero() && info.getLen() > 0) {
                    objectsOf(ino, info).forEach(span -> names.add(span.name()));
                }
            }
        }
        return names;
    }
}
