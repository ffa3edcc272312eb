package io.curvefs.metaserver.service;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaseReader;
import io.curvefs.metaserver.dentry.DentryOperations;
import io.curvefs.metaserver.inode.ChunkOperations;
import io.curvefs.metaserver.inode.InodeOperations;
import io.curvefs.metaserver.lock.LockOperations;
import io.curvefs.metaserver.partition.PartitionOperations;
import io.curvefs.metaserver.rename.TxOutcome;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.metaserver.AbortTxRequest;
import io.curvefs.proto.metaserver.AbortTxResponse;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.BatchGetInodeAttrRequest;
import io.curvefs.proto.metaserver.BatchGetInodeAttrResponse;
import io.curvefs.proto.metaserver.CommitTxRequest;
import io.curvefs.proto.metaserver.CommitTxResponse;
import io.curvefs.proto.metaserver.CreateDentryRequest;
import io.curvefs.proto.metaserver.CreateDentryResponse;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateInodeResponse;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.CreateNodeResponse;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.DeleteDentryRequest;
import io.curvefs.proto.metaserver.DeleteDentryResponse;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.DeleteInodeResponse;
import io.curvefs.proto.metaserver.GetLockRequest;
import io.curvefs.proto.metaserver.GetLockResponse;
import io.curvefs.proto.metaserver.HoldInodeRequest;
import io.curvefs.proto.metaserver.HoldInodeResponse;
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.metaserver.DeletePartitionResponse;
import io.curvefs.proto.metaserver.FinishTxRequest;
import io.curvefs.proto.metaserver.FinishTxResponse;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.GetPartitionRequest;
import io.curvefs.proto.metaserver.GetPartitionResponse;
import io.curvefs.proto.metaserver.GetS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.GetS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.LinkRequest;
import io.curvefs.proto.metaserver.LinkResponse;
import io.curvefs.proto.metaserver.ListDentryRequest;
import io.curvefs.proto.metaserver.ListDentryResponse;
import io.curvefs.proto.metaserver.ListTxRequest;
import io.curvefs.proto.metaserver.ListTxResponse;
import io.curvefs.proto.metaserver.MetaOperation;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.PrepareTxRequest;
import io.curvefs.proto.metaserver.PrepareTxResponse;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.RenameRequest;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.SetLockRequest;
import io.curvefs.proto.metaserver.SetLockResponse;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import io.curvefs.proto.metaserver.UpdateInodeResponse;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * MetaServerService: routes each request to its copyset. Mutations are proposed to the copyset's raft
 * group and answered with what the state machine produced; reads are lease reads on the leader. Every
 * handler here is non-blocking and runs on the RPC IO thread; listings go to the read pool.
 */
public final class MetaServerService {
    private final CopysetManager copysets;
    private final LeaseReader reads;

    public MetaServerService(CopysetManager copysets, LeaseReader reads) {
        this.copysets = copysets;
        this.reads = reads;
    }

    public void registerOn(CurveRpcServer server) {
        registerWrite(server, CreateInodeRequest.class, CreateInodeResponse.getDefaultInstance(),
                CreateInodeRequest::getPartition, r -> MetaOperation.newBuilder().setCreateInode(r));
        registerWrite(server, CreateRootInodeRequest.class, CreateRootInodeResponse.getDefaultInstance(),
                CreateRootInodeRequest::getPartition, r -> MetaOperation.newBuilder().setCreateRoot(r));
        registerWrite(server, UpdateInodeRequest.class, UpdateInodeResponse.getDefaultInstance(),
                UpdateInodeRequest::getPartition, r -> MetaOperation.newBuilder().setUpdateInode(r));
        registerWrite(server, DeleteInodeRequest.class, DeleteInodeResponse.getDefaultInstance(),
                DeleteInodeRequest::getPartition, r -> MetaOperation.newBuilder().setDeleteInode(r));
        registerWrite(server, HoldInodeRequest.class, HoldInodeResponse.getDefaultInstance(),
                HoldInodeRequest::getPartition, r -> MetaOperation.newBuilder().setHoldInode(r));
        registerWrite(server, SetLockRequest.class, SetLockResponse.getDefaultInstance(),
                SetLockRequest::getPartition, r -> MetaOperation.newBuilder().setSetLock(r));
        registerWrite(server, CreateDentryRequest.class, CreateDentryResponse.getDefaultInstance(),
                CreateDentryRequest::getPartition, r -> MetaOperation.newBuilder().setCreateDentry(r));
        registerWrite(server, DeleteDentryRequest.class, DeleteDentryResponse.getDefaultInstance(),
                DeleteDentryRequest::getPartition, r -> MetaOperation.newBuilder().setDeleteDentry(r));
        registerWrite(server, CreateNodeRequest.class, CreateNodeResponse.getDefaultInstance(),
                CreateNodeRequest::getPartition, r -> MetaOperation.newBuilder().setCreateNode(r));
        registerWrite(server, RemoveEntryRequest.class, RemoveEntryResponse.getDefaultInstance(),
                RemoveEntryRequest::getPartition, r -> MetaOperation.newBuilder().setRemoveEntry(r));
        registerWrite(server, LinkRequest.class, LinkResponse.getDefaultInstance(),
                LinkRequest::getPartition, r -> MetaOperation.newBuilder().setLink(r));
        registerWrite(server, RenameRequest.class, RenameResponse.getDefaultInstance(),
                RenameRequest::getPartition, r -> MetaOperation.newBuilder().setRename(r));
        registerWrite(server, PrepareTxRequest.class, PrepareTxResponse.getDefaultInstance(),
                PrepareTxRequest::getPartition, r -> MetaOperation.newBuilder().setPrepareTx(r));
        registerWrite(server, CommitTxRequest.class, CommitTxResponse.getDefaultInstance(),
                CommitTxRequest::getPartition, r -> MetaOperation.newBuilder().setCommitTx(r));
        registerWrite(server, AbortTxRequest.class, AbortTxResponse.getDefaultInstance(),
                AbortTxRequest::getPartition, r -> MetaOperation.newBuilder().setAbortTx(r));
        registerWrite(server, FinishTxRequest.class, FinishTxResponse.getDefaultInstance(),
                FinishTxRequest::getPartition, r -> MetaOperation.newBuilder().setFinishTx(r));
        registerWrite(server, AppendS3ChunkInfoRequest.class, AppendS3ChunkInfoResponse.getDefaultInstance(),
                AppendS3ChunkInfoRequest::getPartition, r -> MetaOperation.newBuilder().setAppendChunk(r));
        server.registerInline(CreatePartitionRequest.class, CreatePartitionResponse.getDefaultInstance(),
                r -> propose(copysets.require(r.getPartition().getPoolId(), r.getPartition().getCopysetId()),
                        MetaOperation.newBuilder().setCreatePartition(logged(r))));
        server.registerInline(DeletePartitionRequest.class, DeletePartitionResponse.getDefaultInstance(),
                r -> propose(copysets.require(r.getPoolId(), r.getCopysetId()),
                        MetaOperation.newBuilder().setDeletePartition(logged(r))));

        registerRead(server, GetInodeRequest.class, GetInodeResponse.getDefaultInstance(),
                GetInodeRequest::getPartition, InodeOperations::get);
        registerRead(server, BatchGetInodeAttrRequest.class, BatchGetInodeAttrResponse.getDefaultInstance(),
                BatchGetInodeAttrRequest::getPartition, InodeOperations::batchGetAttr);
        registerRead(server, GetDentryRequest.class, GetDentryResponse.getDefaultInstance(),
                GetDentryRequest::getPartition, DentryOperations::get);
        registerScan(server, ListDentryRequest.class, ListDentryResponse.getDefaultInstance(),
                ListDentryRequest::getPartition, DentryOperations::list);
        registerRead(server, GetLockRequest.class, GetLockResponse.getDefaultInstance(),
                GetLockRequest::getPartition, LockOperations::get);
        registerScan(server, ListTxRequest.class, ListTxResponse.getDefaultInstance(),
                ListTxRequest::getPartition, TxOutcome::list);
        registerScan(server, GetS3ChunkInfoRequest.class, GetS3ChunkInfoResponse.getDefaultInstance(),
                GetS3ChunkInfoRequest::getPartition, ChunkOperations::get);
        server.registerInline(GetPartitionRequest.class, GetPartitionResponse.getDefaultInstance(),
                r -> reads.read(copysets.require(r.getPoolId(), r.getCopysetId()),
                        reader -> PartitionOperations.get(reader, r)));
    }

    private <Q extends Message, R extends Message> void registerWrite(CurveRpcServer server, Class<Q> type, R prototype,
                                                              Function<Q, PartitionRef> route,
                                                              Function<Q, MetaOperation.Builder> op) {
        server.registerInline(type, prototype, r -> propose(copysetOf(route.apply(r)), op.apply(logged(r))));
    }

    /** The request as it goes into the raft log: the cluster token was checked on receipt and is a secret. */
    private static <Q extends Message> Q logged(Q request) {
        return Statuses.withHeader(request, Statuses.headerOf(request).toBuilder().clearClusterToken().build());
    }

    private <Q extends Message, R extends Message> void registerRead(CurveRpcServer server, Class<Q> type, R prototype,
                                                             Function<Q, PartitionRef> route,
                                                             BiFunction<MetaReader, Q, R> query) {
        server.registerInline(type, prototype, r -> reads.read(copysetOf(route.apply(r)), reader -> query.apply(reader, r)));
    }

    private <Q extends Message, R extends Message> void registerScan(CurveRpcServer server, Class<Q> type, R prototype,
                                                             Function<Q, PartitionRef> route,
                                                             BiFunction<MetaReader, Q, R> query) {
        server.registerInline(type, prototype, r -> reads.scan(copysetOf(route.apply(r)), reader -> query.apply(reader, r)));
    }

    /** The state machine answers a mutation with the response type its request expects. */
    @SuppressWarnings("unchecked")
    private static <R extends Message> CompletableFuture<R> propose(CopysetNode copyset, MetaOperation.Builder op) {
        return copyset.propose(op.build()).thenApply(response -> (R) response);
    }

    private CopysetNode copysetOf(PartitionRef ref) {
        return copysets.require(ref.getPoolId(), ref.getCopysetId());
    }
}
