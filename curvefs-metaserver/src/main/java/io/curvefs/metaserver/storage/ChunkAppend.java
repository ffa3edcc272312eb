package io.curvefs.metaserver.storage;

import io.curvefs.proto.metaserver.S3ChunkInfoList;

/** One chunk-info key of a chunk: the infos stored under raft index suffix {@code raftIndex}. */
public record ChunkAppend(long raftIndex, S3ChunkInfoList infos) {
}
