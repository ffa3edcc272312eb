package io.curvefs.metaserver.rename;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.AbortTxRequest;
import io.curvefs.proto.metaserver.AbortTxResponse;
import io.curvefs.proto.metaserver.CommitTxRequest;
import io.curvefs.proto.metaserver.CommitTxResponse;
import io.curvefs.proto.metaserver.FinishTxRequest;
import io.curvefs.proto.metaserver.FinishTxResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListTxRequest;
import io.curvefs.proto.metaserver.ListTxResponse;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.List;
import java.util.Optional;

/**
 * How a prepared rename transaction ends in one partition. The primary's record decides for all: PENDING
 * becomes COMMITTED in one raft command (the commit point), or the record goes (the abort; a primary
 * without the record means aborted). Every other partition follows what the primary says; commit and
 * abort there are idempotent, so the client and any number of resolvers may repeat them.
 */
public final class TxOutcome {
    private TxOutcome() {
    }

    public static CommitTxResponse commit(MetaWriter w, CommitTxRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Optional<TxRecord> found = w.tx(p.id(), r.getTxId());
        CommitTxResponse.Builder out = CommitTxResponse.newBuilder().setStatus(Statuses.OK);
        if (found.isEmpty()) {
            if (r.getAtPrimary()) {
                throw new RpcException(StatusCode.TX_ABORTED, "transaction " + r.getTxId() + " was aborted");
            }
            return out.build(); // committed (or rolled back) here before
        }
        TxRecord tx = found.get();
        switch (tx.getState()) {
            case COMMITTED -> {
                return out.build();
            }
            case PENDING -> {
                // the commit point. The names are locked again afterwards and stay so until finish, so
                // that whoever meets them rolls the other partitions forward even if this client never
                // comes back (unlocked while applying, because removing a directory checks it is unlocked)
                TxNames.unlock(w, p, tx);
                out.addAllDeleted(applied(w, p, tx));
                TxNames.lock(w, p, tx);
                w.putTx(p.id(), tx.toBuilder().setState(TxRecord.State.COMMITTED).build());
            }
            case PREPARED -> {
                TxNames.unlock(w, p, tx);
                out.addAllDeleted(applied(w, p, tx));
                w.deleteTx(p.id(), tx.getTxId());
            }
            default -> throw new IllegalStateException("transaction record in state " + tx.getState());
        }
        return out.build();
    }

    /**
     * A refusal while applying would leave half a commit in the batch (refusals are answers, the batch
     * is still written), and the prepare ruled every refusal out: so one is a bug that must stop the
     * replica rather than be answered.
     */
    private static List<Inode> applied(MetaWriter w, PartitionState p, TxRecord tx) {
        try {
            return TxApply.apply(w, p, tx);
        } catch (RpcException e) {
            throw new IllegalStateException("prepared transaction " + tx.getTxId() + " refused at commit", e);
        }
    }

    /** Rolls back this partition's part; at the primary this is the abort, refused once committed. */
    public static AbortTxResponse abort(MetaWriter w, AbortTxRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Optional<TxRecord> found = w.tx(p.id(), r.getTxId());
        if (found.isPresent()) {
            if (found.get().getState() == TxRecord.State.COMMITTED) {
                throw new RpcException(StatusCode.TX_COMMITTED, "transaction " + r.getTxId() + " committed");
            }
            TxNames.unlock(w, p, found.get());
            w.deleteTx(p.id(), r.getTxId());
        }
        return AbortTxResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    /** The primary forgets a committed transaction; the caller committed every other partition first. */
    public static FinishTxResponse finish(MetaWriter w, FinishTxRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Optional<TxRecord> found = w.tx(p.id(), r.getTxId());
        if (found.isPresent()) {
            if (found.get().getState() != TxRecord.State.COMMITTED) {
                throw new RpcException(StatusCode.INVALID_ARGUMENT, "transaction " + r.getTxId()
                        + " is " + found.get().getState() + ", not committed");
            }
            TxNames.unlock(w, p, found.get());
            w.deleteTx(p.id(), r.getTxId());
        }
        return FinishTxResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    public static ListTxResponse list(MetaReader reader, ListTxRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        return ListTxResponse.newBuilder().setStatus(Statuses.OK).addAllTxs(reader.txs(p.id())).build();
    }
}
