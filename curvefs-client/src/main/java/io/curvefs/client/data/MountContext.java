package io.curvefs.client.data;

import io.curvefs.common.s3.S3ObjectStore;
import io.curvefs.common.s3.ObjectLayout;
import java.util.concurrent.Executor;

/** What every open file of a mount shares: layout, buffers, caches, stores and thread pools. */
record MountContext(ObjectLayout layout, DataConfig config, WriteBufferPool pool, BlockCache cache,
                    ObjectUploader uploader, S3ObjectStore objects, ChunkInfoStore chunkInfos, ChunkIdSource chunkIds,
                    Executor flushExecutor) {
}
