package io.curvefs.metaserver.copyset;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.curvefs.common.raft.RocksStateMachine;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.compaction.ChangedChunks;
import io.curvefs.metaserver.storage.MetaKeys;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.Noop;
import io.curvefs.proto.metaserver.RequestRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state machine of one copyset: each raft entry is a serialized {@link MetaOperation}.
 * <p>
 * Retries are idempotent: a mutation whose header names a client and a sequence number leaves its
 * response in the client's slot {@code seq % }{@link MetaKeys#REQUEST_SLOTS}, in the same batch as
 * its effect. An entry finding its own sequence in that slot is a retry (after a timeout or a leader
 * change) and gets the first response back without being applied again. The window: a retry is
 * recognised as long as the client has not had {@value MetaKeys#REQUEST_SLOTS} later sequences
 * applied in this copyset since; an older retry is applied again like a new request. A slot holding
 * the same sequence for another kind of operation (a client reusing numbers) is not a retry either.
 */
public final class CopysetStateMachine extends RocksStateMachine {
    private static final byte[] BARRIER =
            MetaOperation.newBuilder().setNoop(Noop.getDefaultInstance()).build().toByteArray();

    private final OperationApplier applier;
    private final ChangedChunks changedChunks = new ChangedChunks();
    /** Files whose chunk lists grew in the batch being applied (FSM thread only). */
    private final List<AppendS3ChunkInfoRequest> appendsInBatch = new ArrayList<>();

    public CopysetStateMachine(CopysetId id, RocksStore store) {
        super(store);
        this.applier = new OperationApplier(id);
    }

    /** What the compactor has not looked at yet. */
    public ChangedChunks changedChunks() {
        return changedChunks;
    }

    @Override
    protected void onBatchCommitted() {
        // only now can a reader see the new infos: a compactor taking the change earlier could miss them
        for (AppendS3ChunkInfoRequest r : appendsInBatch) {
            changedChunks.add(r.getPartition().getPartitionId(), r.getInodeId());
        }
        appendsInBatch.clear();
    }

    @Override
    protected Message apply(Batch batch, long index, ByteBuffer data) {
        MetaOperation op;
        try {
            op = MetaOperation.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable raft entry " + index, e);
        }
        if (op.getOpCase() == MetaOperation.OpCase.NOOP) {
            return null;
        }
        MetaWriter w = new MetaWriter(batch);
        RequestHeader header = Statuses.headerOf(OperationApplier.requestOf(op));
        if (op.getOpCase() == MetaOperation.OpCase.APPEND_CHUNK) {
            appendsInBatch.add(op.getAppendChunk());
        }
        if (header.getClientId().isEmpty() || header.getSeq() == 0) {
            return applier.apply(w, index, op);
        }
        Optional<RequestRecord> slot = w.requestRecord(header.getClientId(), header.getSeq());
        int opNumber = op.getOpCase().getNumber();
        if (slot.isPresent() && slot.get().getSeq() == header.getSeq() && slot.get().getOp() == opNumber) {
            return parseResponse(op, slot.get());
        }
        Message response = applier.apply(w, index, op);
        if (slot.isEmpty() || slot.get().getSeq() < header.getSeq()) {
            w.putRequestRecord(header.getClientId(), header.getSeq(), RequestRecord.newBuilder()
                    .setSeq(header.getSeq()).setOp(opNumber).setResponse(response.toByteString()).build());
        }
        return response;
    }

    private static Message parseResponse(MetaOperation op, RequestRecord record) {
        try {
            return OperationApplier.responsePrototype(op.getOpCase()).getParserForType().parseFrom(record.getResponse());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable idempotency record", e);
        }
    }

    @Override
    protected byte[] barrierEntry() {
        return BARRIER;
    }
}
