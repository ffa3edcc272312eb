package io.curvefs.mds.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.curvefs.common.raft.RocksStateMachine;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mdsstate.KvWrite;
import io.curvefs.proto.mdsstate.MdsLogEntry;

import java.nio.ByteBuffer;

/**
 * The MDS group's state machine. Every entry is a list of key writes computed by the leader, so apply is
 * deterministic by construction: it only copies the writes into the batch.
 */
public final class MdsStateMachine extends RocksStateMachine {
    /** What the leader's in-memory (soft) state must do when it starts or stops serving. */
    public interface ServingListener {
        void servingStarted();

        void servingStopped();
    }

    private static final byte[] BARRIER = MdsLogEntry.getDefaultInstance().toByteArray();

    private volatile ServingListener listener;
    /** The term whose serving hooks have completed; requests wait for them (soft state rebuilt). */
    private volatile long readyTerm = -1;

    public MdsStateMachine(RocksStore store) {
        super(store);
    }

    public void setServingListener(ServingListener listener) {
        this.listener = listener;
    }

    @Override
    protected Message apply(Batch batch, long index, ByteBuffer data) {
        MdsLogEntry entry;
        try {
            entry = MdsLogEntry.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt MDS log entry at index " + index, e);
        }
        for (KvWrite w : entry.getWritesList()) {
            if (w.getDelete()) {
                batch.delete(w.getKey().toByteArray());
            } else {
                batch.put(w.getKey().toByteArray(), w.getValue().toByteArray());
            }
        }
        return MdsLogEntry.getDefaultInstance();
    }

    @Override
    protected byte[] barrierEntry() {
        return BARRIER;
    }

    @Override
    protected void onServingStart(long term) {
        ServingListener l = listener;
        if (l != null) {
            l.servingStarted();
        }
        readyTerm = term;
    }

    @Override
    protected void onServingStop() {
        readyTerm = -1;
        ServingListener l = listener;
        if (l != null) {
            l.servingStopped();
        }
    }

    /** Serving, and the leader's soft state has been rebuilt for this term. */
    public boolean isReady() {
        return isServing() && readyTerm == term();
    }

    /** Throws NOT_LEADER (with the leader's address) on a follower, UNAVAILABLE on a leader still starting. */
    public void requireReady() {
        requireServing();
        if (readyTerm != term()) {
            throw new RpcException(StatusCode.UNAVAILABLE, "MDS leader is starting");
        }
    }
}
