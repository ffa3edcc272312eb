package io.curvefs.common.meta;

import io.curvefs.proto.metaserver.AbortTxRequest;
import io.curvefs.proto.metaserver.CommitTxRequest;
import io.curvefs.proto.metaserver.CommitTxResponse;
import io.curvefs.proto.metaserver.FinishTxRequest;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListTxRequest;
import io.curvefs.proto.metaserver.ListTxResponse;
import io.curvefs.proto.metaserver.PrepareTxRequest;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.List;

/** The rename transaction's requests, each addressed to a partition by id (see metaserver.proto). */
final class TxCalls {
    private final MetaClient meta;

    TxCalls(MetaClient meta) {
        this.meta = meta;
    }

    /** TX_LOCKED is thrown, not waited out: a transaction never waits while it holds names itself. */
    void prepare(int partitionId, TxRecord tx) {
        meta.callPartition(partitionId, false, ref -> PrepareTxRequest.newBuilder().setPartition(ref).setTx(tx).build());
    }

    /** The inodes that lost their last name with this partition's part, with their chunk infos. */
    List<Inode> commit(int partitionId, String txId, boolean atPrimary) {
        CommitTxResponse resp = meta.callPartition(partitionId, false, ref -> CommitTxRequest.newBuilder()
                .setPartition(ref).setTxId(txId).setAtPrimary(atPrimary).build());
        return resp.getDeletedList();
    }

    void abort(int partitionId, String txId) {
        meta.callPartition(partitionId, false, ref -> AbortTxRequest.newBuilder().setPartition(ref).setTxId(txId)
                .build());
    }

    void finish(int partitionId, String txId) {
        meta.callPartition(partitionId, false, ref -> FinishTxRequest.newBuilder().setPartition(ref).setTxId(txId)
                .build());
    }

    List<TxRecord> list(int partitionId) {
        ListTxResponse resp = meta.callPartition(partitionId, false, ref -> ListTxRequest.newBuilder()
                .setPartition(ref).build());
        return resp.getTxsList();
    }
}
