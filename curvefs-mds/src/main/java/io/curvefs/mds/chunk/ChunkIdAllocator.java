package io.curvefs.mds.chunk;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.proto.common.StatusCode;

/**
 * Hands out chunk ids from one cluster-wide, ever-increasing sequence. The leader reserves ids in the
 * replicated store a block at a time and serves from memory; a new leader starts after the last
 * reservation of any earlier leader, so ids never repeat (unused ones of a lost reservation are skipped).
 */
public final class ChunkIdAllocator {
    public static final int MAX_COUNT = 100_000;
    static final long RESERVATION = 10_000;

    private final MdsStore store;
    /** Next id to hand out and end (exclusive) of this leader's reservation. */
    private long next;
    private long reservedEnd;
    /**
     * Set when this replica (re)starts serving: another leader may have handed out ids since this
     * reservation was made, so the next allocation reserves anew after the persisted end.
     */
    private volatile boolean stale = true;

    public ChunkIdAllocator(MdsStore store) {
        this.store = store;
    }

    /** Drops the in-memory reservation. Never blocks: it runs on the raft thread. */
    public void reset() {
        stale = true;
    }

    /** Returns the first of {@code count} consecutive new ids. */
    public synchronized long allocate(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "count must be in [1, " + MAX_COUNT + "], not " + count);
        }
        if (stale || reservedEnd - next < count) {
            stale = false;
            long[] range = store.mutate(txn -> {
                // the persisted end covers every id any leader may have handed out; 0 means "no chunk"
                long start = Math.max(1, txn.getLong(MdsKeys.CHUNK_ID_RESERVED, 1));
                long end = start + Math.max(RESERVATION, count);
                txn.putLong(MdsKeys.CHUNK_ID_RESERVED, end);
                return new long[] {start, end};
            });
            next = range[0];
            reservedEnd = range[1];
        }
        long begin = next;
        next += count;
        return begin;
    }
}
