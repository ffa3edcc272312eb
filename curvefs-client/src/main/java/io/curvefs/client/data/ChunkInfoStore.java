package io.curvefs.client.data;

import io.curvefs.proto.metaserver.S3ChunkInfo;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The chunk infos of files, kept by the metaserver (the metadata layer implements it over its RPCs). */
public interface ChunkInfoStore {
    /** chunk index -> infos in the order they were appended (later = newer). */
    Map<Long, List<S3ChunkInfo>> load(long inodeId) throws IOException;

    /** Appends infos and, when present, sets the file's new length; atomic per call. */
    void append(long inodeId, Map<Long, List<S3ChunkInfo>> add, OptionalLong newLength) throws IOException;
}
