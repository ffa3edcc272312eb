package io.curvefs.metaserver.copyset;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.compaction.Compaction;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.dentry.EntryLink;
import io.curvefs.metaserver.dentry.EntryRemoval;
import io.curvefs.metaserver.inode.ChunkOperations;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.lock.LockOperations;
import io.curvefs.metaserver.partition.PartitionOperations;
import io.curvefs.metaserver.rename.LocalRename;
import io.curvefs.metaserver.rename.TxOutcome;
import io.curvefs.metaserver.rename.TxPrepare;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.trash.Trash;
import io.curvefs.proto.metaserver.AbortTxResponse;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.CommitTxResponse;
import io.curvefs.proto.metaserver.CompactionResponse;
import io.curvefs.proto.metaserver.CreateDentryResponse;
import io.curvefs.proto.metaserver.CreateInodeResponse;
import io.curvefs.proto.metaserver.CreateNodeResponse;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.DeleteDentryResponse;
import io.curvefs.proto.metaserver.DeleteInodeResponse;
import io.curvefs.proto.metaserver.HoldInodeResponse;
import io.curvefs.proto.metaserver.DeletePartitionResponse;
import io.curvefs.proto.metaserver.FinishTxResponse;
import io.curvefs.proto.metaserver.LinkResponse;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.ReclaimInodeResponse;
import io.curvefs.proto.metaserver.PrepareTxResponse;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.SetLockResponse;
import io.curvefs.proto.metaserver.UpdateInodeResponse;

/** Dispatches one logged operation to the code that applies it and turns refusals into responses. */
final class OperationApplier {
    private final PartitionOperations partitions;

    OperationApplier(CopysetId id) {
        this.partitions = new PartitionOperations(id.poolId(), id.copysetId());
    }

    /** The request inside a logged operation (it carries the idempotency header). */
    static Message requestOf(MetaOperation op) {
        return switch (op.getOpCase()) {
            case CREATE_INODE -> op.getCreateInode();
            case UPDATE_INODE -> op.getUpdateInode();
            case DELETE_INODE -> op.getDeleteInode();
            case CREATE_DENTRY -> op.getCreateDentry();
            case DELETE_DENTRY -> op.getDeleteDentry();
            case CREATE_NODE -> op.getCreateNode();
            case APPEND_CHUNK -> op.getAppendChunk();
            case CREATE_ROOT -> op.getCreateRoot();
            case CREATE_PARTITION -> op.getCreatePartition();
            case DELETE_PARTITION -> op.getDeletePartition();
            case REMOVE_ENTRY -> op.getRemoveEntry();
            case LINK -> op.getLink();
            case RENAME -> op.getRename();
            case RECLAIM_INODE -> op.getReclaimInode();
            case PREPARE_TX -> op.getPrepareTx();
            case COMMIT_TX -> op.getCommitTx();
            case ABORT_TX -> op.getAbortTx();
            case FINISH_TX -> op.getFinishTx();
            case COMPACTION -> op.getCompaction();
            case HOLD_INODE -> op.getHoldInode();
            case SET_LOCK -> op.getSetLock();
            case NOOP, OP_NOT_SET -> throw new IllegalArgumentException("no request in " + op.getOpCase());
        };
    }

    /** The response type of a logged operation. */
    static Message responsePrototype(MetaOperation.OpCase op) {
        return switch (op) {
            case CREATE_INODE -> CreateInodeResponse.getDefaultInstance();
            case UPDATE_INODE -> UpdateInodeResponse.getDefaultInstance();
            case DELETE_INODE -> DeleteInodeResponse.getDefaultInstance();
            case CREATE_DENTRY -> CreateDentryResponse.getDefaultInstance();
            case DELETE_DENTRY -> DeleteDentryResponse.getDefaultInstance();
            case CREATE_NODE -> CreateNodeResponse.getDefaultInstance();
            case APPEND_CHUNK -> AppendS3ChunkInfoResponse.getDefaultInstance();
            case CREATE_ROOT -> CreateRootInodeResponse.getDefaultInstance();
            case CREATE_PARTITION -> CreatePartitionResponse.getDefaultInstance();
            case DELETE_PARTITION -> DeletePartitionResponse.getDefaultInstance();
            case REMOVE_ENTRY -> RemoveEntryResponse.getDefaultInstance();
            case LINK -> LinkResponse.getDefaultInstance();
            case RENAME -> RenameResponse.getDefaultInstance();
            case RECLAIM_INODE -> ReclaimInodeResponse.getDefaultInstance();
            case PREPARE_TX -> PrepareTxResponse.getDefaultInstance();
            case COMMIT_TX -> CommitTxResponse.getDefaultInstance();
            case ABORT_TX -> AbortTxResponse.getDefaultInstance();
            case FINISH_TX -> FinishTxResponse.getDefaultInstance();
            case COMPACTION -> CompactionResponse.getDefaultInstance();
            case HOLD_INODE -> HoldInodeResponse.getDefaultInstance();
            case SET_LOCK -> SetLockResponse.getDefaultInstance();
            case NOOP, OP_NOT_SET -> throw new IllegalArgumentException("no response for " + op);
        };
    }

    /**
     * Applies {@code op} into the writer's batch. A refusal ({@link RpcException}) becomes the response's
     * status; it was raised before the operation wrote anything. Any other exception propagates and
     * halts the replica.
     */
    Message apply(MetaWriter w, long raftIndex, MetaOperation op) {
        try {
            return switch (op.getOpCase()) {
                case CREATE_INODE -> InodeOperations.create(w, op.getCreateInode());
                case UPDATE_INODE -> InodeOperations.update(w, op.getUpdateInode());
                case DELETE_INODE -> InodeOperations.delete(w, op.getDeleteInode());
                case CREATE_DENTRY -> DentryOperations.create(w, op.getCreateDentry());
                case DELETE_DENTRY -> DentryOperations.delete(w, op.getDeleteDentry());
                case CREATE_NODE -> DentryOperations.createNode(w, op.getCreateNode());
                case APPEND_CHUNK -> ChunkOperations.append(w, raftIndex, op.getAppendChunk());
                case CREATE_ROOT -> InodeOperations.createRoot(w, op.getCreateRoot());
                case CREATE_PARTITION -> partitions.create(w, op.getCreatePartition());
                case DELETE_PARTITION -> partitions.delete(w, op.getDeletePartition());
                case REMOVE_ENTRY -> EntryRemoval.remove(w, op.getRemoveEntry());
                case LINK -> EntryLink.link(w, op.getLink());
                case RENAME -> LocalRename.rename(w, op.getRename());
                case RECLAIM_INODE -> Trash.reclaim(w, op.getReclaimInode());
                case PREPARE_TX -> TxPrepare.prepare(w, op.getPrepareTx());
                case COMMIT_TX -> TxOutcome.commit(w, op.getCommitTx());
                case ABORT_TX -> TxOutcome.abort(w, op.getAbortTx());
                case FINISH_TX -> TxOutcome.finish(w, op.getFinishTx());
                case COMPACTION -> Compaction.apply(w, raftIndex, op.getCompaction());
                case HOLD_INODE -> Trash.hold(w, op.getHoldInode());
                case SET_LOCK -> LockOperations.set(w, op.getSetLock());
                case NOOP, OP_NOT_SET -> throw new IllegalArgumentException("nothing to apply: " + op.getOpCase());
            };
        } catch (RpcException refused) {
            return Statuses.withStatus(responsePrototype(op.getOpCase()), refused.toStatus());
        }
    }
}
