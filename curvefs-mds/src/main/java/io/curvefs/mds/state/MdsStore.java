package io.curvefs.mds.state;

import com.google.protobuf.Parser;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mdsstate.KvWrite;
import io.curvefs.proto.mdsstate.MdsLogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The replicated MDS state as the services see it. Reads come from the applied RocksDB. Every change is
 * computed under one lock from the applied state, replicated as one raft entry, and waited for until it
 * is applied, so the next change always starts from a state that includes this one.
 */
public final class MdsStore {
    private final MdsStateMachine fsm;
    private final long commitTimeoutMs;
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Set when a proposal ended without a known outcome: it may still apply later, so before computing
     * another change the leader commits an empty entry, which applies only after it.
     */
    private boolean outcomeUnknown;

    public MdsStore(MdsStateMachine fsm, long commitTimeoutMs) {
        this.fsm = fsm;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    public byte[] getRaw(String key) {
        return fsm.store().get(Records.key(key));
    }

    public <T> Optional<T> get(String key, Parser<T> parser) {
        byte[] v = getRaw(key);
        return v == null ? Optional.empty() : Optional.of(Records.parse(parser, key, v));
    }

    public long getLong(String key, long defaultValue) {
        byte[] v = getRaw(key);
        return v == null ? defaultValue : Records.decodeLong(v);
    }

    public <T> List<T> scan(String prefix, Parser<T> parser) {
        List<T> out = new ArrayList<>();
        scanRaw(prefix, (k, v) -> out.add(Records.parse(parser, k, v)));
        return out;
    }

    void scanRaw(String prefix, BiConsumer<String, byte[]> visitor) {
        fsm.store().scan(Records.key(prefix), null, (k, v) -> {
            visitor.accept(Records.key(k), v);
            return true;
        });
    }

    /**
     * Computes a change with {@code change} and commits its writes; returns what {@code change} returned.
     * Refusals are thrown by {@code change} as {@link RpcException} and commit nothing.
     */
    public <R> R mutate(Function<Txn, R> change) {
        writeLock.lock();
        try {
            fsm.requireReady();
            if (outcomeUnknown) {
                replicate(List.of());
                outcomeUnknown = false;
            }
            Txn txn = new Txn(this);
            R result = change.apply(txn);
            List<KvWrite> writes = txn.writes();
            if (!writes.isEmpty()) {
                replicate(writes);
            }
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    private void replicate(List<KvWrite> writes) {
        byte[] entry = MdsLogEntry.newBuilder().addAllWrites(writes).build().toByteArray();
        try {
            fsm.propose(entry).get(commitTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcomeUnknown = true;
            throw new RpcException(StatusCode.UNAVAILABLE, "MDS group did not commit within " + commitTimeoutMs + " ms");
        } catch (ExecutionException e) {
            outcomeUnknown = true;
            if (e.getCause() instanceof RpcException rpc) {
                throw rpc;
            }
            throw new RpcException(StatusCode.UNAVAILABLE, "MDS commit failed: " + e.getCause());
        } catch (InterruptedException e) {
            outcomeUnknown = true;
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.UNAVAILABLE, "interrupted");
        }
    }
}
