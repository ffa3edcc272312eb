package io.curvefs.client.mount;

import io.curvefs.client.data.ChunkIdSource;
import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.rpc.RpcException;

import java.io.IOException;

/**
 * Chunk ids from the MDS, fetched in batches so that a flush costs no MDS round trip in the common
 * case. Ids left in a batch when the mount ends are simply never used (ids only need to be unique).
 */
public final class MdsChunkIdSource implements ChunkIdSource {
    private final MdsClient mds;
    private final int fsId;
    private final int batch;
    private long next;
    private long end;

    public MdsChunkIdSource(MdsClient mds, int fsId, int batch) {
        this.mds = mds;
        this.fsId = fsId;
        this.batch = batch;
    }

    @Override
    public synchronized long next() throws IOException {
        if (next >= end) {
            try {
                next = mds.allocateChunkIds(fsId, batch);
            } catch (RpcException e) {
                throw new IOException("allocating chunk ids for fs " + fsId + ": " + e.code() + " " + e.getMessage(), e);
            }
            end = next + batch;
        }
        return next++;
    }
}
