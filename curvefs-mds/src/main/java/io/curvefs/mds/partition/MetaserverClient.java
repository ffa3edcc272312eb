package io.curvefs.mds.partition;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.copyset.CreateCopysetRequest;
import io.curvefs.proto.copyset.CreateCopysetResponse;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;
import io.curvefs.proto.copyset.TransferLeaderRequest;
import io.curvefs.proto.copyset.TransferLeaderResponse;
import io.curvefs.proto.metaserver.CreatePartitionRequest;
import io.curvefs.proto.metaserver.CreatePartitionResponse;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.metaserver.DeletePartitionResponse;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.Time;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The MDS's calls to metaservers: copysets go to each member, partition operations through the copyset's leader. */
public final class MetaserverClient {
    /** S_IFDIR | 01777, the original CurveFS root: world-writable with the sticky bit, like /tmp. */
    static final int ROOT_MODE = 0040000 | 01777;
    private static final int CREATE_ATTEMPTS = 3;
    private static final long ATTEMPT_TIMEOUT_MS = 3_000;
    private static final RetryPolicy COPYSET_CALLS = new RetryPolicy(15_000, 3_000, 50, 1_000);

    private final CurveRpcClient client;
    private final long leaderWaitMs;

    public MetaserverClient(CurveRpcClient client, long leaderWaitMs) {
        this.client = client;
        this.leaderWaitMs = leaderWaitMs;
    }

    /** Creates the copyset's replica on every member (idempotent there); see {@link #awaitLeader}. */
    public void createReplicas(CopysetInfo copyset) {
        CreateCopysetRequest req = CreateCopysetRequest.newBuilder().addCopysets(copyset).build();
        for (String member : CopysetDirectory.peerAddresses(copyset)) {
            String lastError = "";
            boolean created = false;
            for (int attempt = 0; attempt < CREATE_ATTEMPTS && !created; attempt++) {
                try {
                    CreateCopysetResponse resp = invoke(member, req);
                    if (resp.getStatus().getCode() == StatusCode.OK) {
                        created = true;
                    } else {
                        lastError = resp.getStatus().getCode() + " " + resp.getStatus().getMessage();
                    }
                } catch (RpcException e) {
                    lastError = e.getMessage();
                }
                if (!created) {
                    RetryPolicy.pause(300L * (attempt + 1));
                }
            }
            if (!created) {
                throw new RpcException(StatusCode.CREATE_COPYSET_FAILED, "copyset " + name(copyset)
                        + ": metaserver " + member + " did not create it: " + lastError);
            }
        }
    }

    /** Waits until a member of a copyset whose replicas were created reports an elected leader; returns it. */
    public String awaitLeader(CopysetInfo copyset) {
        GetCopysetStatusRequest req = GetCopysetStatusRequest.newBuilder().setPoolId(copyset.getPoolId())
                .setCopysetId(copyset.getCopysetId()).build();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaderWaitMs);
        while (System.nanoTime() < deadline) {
            for (String member : CopysetDirectory.peerAddresses(copyset)) {
                try {
                    GetCopysetStatusResponse resp = invoke(member, req);
                    if (resp.getStatus().getCode() == StatusCode.OK && !resp.getCopyset().getLeader().isEmpty()) {
                        return resp.getCopyset().getLeader();
                    }
                } catch (RpcException e) {
                    // a member still starting: ask again
                }
            }
            RetryPolicy.pause(200);
        }
        throw new RpcException(StatusCode.CREATE_COPYSET_FAILED,
                "copyset " + name(copyset) + " elected no leader within " + leaderWaitMs + " ms");
    }

    /** Asks the copyset's current leader to hand leadership to {@code transferee}. */
    public void transferLeader(CopysetInfo copyset, String transferee) {
        TransferLeaderResponse resp = invoke(copyset.getLeader(), TransferLeaderRequest.newBuilder()
                .setPoolId(copyset.getPoolId()).setCopysetId(copyset.getCopysetId()).setTransferee(transferee).build());
        if (resp.getStatus().getCode() != StatusCode.OK) {
            throw new RpcException(resp.getStatus());
        }
    }

    public void createPartition(CopysetInfo copyset, PartitionInfo partition) {
        CreatePartitionResponse resp = callLeader(copyset,
                CreatePartitionRequest.newBuilder().setPartition(partition).build(), COPYSET_CALLS,
                StatusCode.CREATE_PARTITION_FAILED);
        if (resp.getStatus().getCode() != StatusCode.OK) {
            throw new RpcException(StatusCode.CREATE_PARTITION_FAILED, "partition " + partition.getPartitionId()
                    + " on copyset " + name(copyset) + ": " + describe(resp.getStatus()));
        }
    }

    /**
     * Creates the root inode (id 1, owned by root) and, with {@code withRecycle}, the recycle directory
     * (id 2) in the same command; what already exists (a resumed create-fs) is fine.
     */
    public void createRootInode(CopysetInfo copyset, PartitionInfo partition, boolean withRecycle) {
        long nowMs = System.currentTimeMillis();
        CreateRootInodeResponse resp = callLeader(copyset, CreateRootInodeRequest.newBuilder()
                .setPartition(ref(partition)).setUid(0).setGid(0).setMode(ROOT_MODE).setWithRecycle(withRecycle)
                .setTime(Time.newBuilder().setSec(nowMs / 1000).setNsec((int) (nowMs % 1000) * 1_000_000))
                .build(), COPYSET_CALLS, StatusCode.CREATE_PARTITION_FAILED);
        StatusCode code = resp.getStatus().getCode();
        if (code != StatusCode.OK && code != StatusCode.ALREADY_EXISTS) {
            throw new RpcException(StatusCode.CREATE_PARTITION_FAILED, "root inode in partition "
                    + partition.getPartitionId() + ": " + describe(resp.getStatus()));
        }
    }

    /** Deletes a partition from its copyset; one that is already gone counts as deleted. */
    public void deletePartition(CopysetInfo copyset, PartitionInfo partition) {
        DeletePartitionResponse resp = callLeader(copyset, DeletePartitionRequest.newBuilder()
                .setPoolId(partition.getPoolId()).setCopysetId(partition.getCopysetId())
                .setPartitionId(partition.getPartitionId()).build(), COPYSET_CALLS.withDeadline(5_000),
                StatusCode.UNAVAILABLE);
        StatusCode code = resp.getStatus().getCode();
        if (code != StatusCode.OK && code != StatusCode.PARTITION_NOT_FOUND) {
            throw new RpcException(StatusCode.UNAVAILABLE, "partition " + partition.getPartitionId() + " on copyset "
                    + name(copyset) + ": " + describe(resp.getStatus()));
        }
    }

    /**
     * Calls the copyset's leader. A copyset that stays unreachable is reported with {@code failure}: a plain
     * UNAVAILABLE would reach the MDS's callers, who would take it for "MDS unavailable" and retry.
     */
    private <R extends Message> R callLeader(CopysetInfo copyset, Message req, RetryPolicy policy,
                                             StatusCode failure) {
        List<String> peers = CopysetDirectory.peerAddresses(copyset);
        if (peers.isEmpty()) {
            throw new RpcException(StatusCode.COPYSET_NOT_FOUND, "copyset " + name(copyset) + " has no known members");
        }
        try {
            return new LeaderChannel(client, peers, policy).call(req);
        } catch (RpcException e) {
            throw new RpcException(failure, "copyset " + name(copyset) + ": " + e.getMessage());
        }
    }

    static PartitionRef ref(PartitionInfo p) {
        return PartitionRef.newBuilder().setPoolId(p.getPoolId()).setCopysetId(p.getCopysetId())
                .setPartitionId(p.getPartitionId()).setFsId(p.getFsId()).build();
    }

    private <R extends Message> R invoke(String address, Message req) {
        try {
            return client.<R>invoke(LeaderChannel.parseEndpoint(address), req, ATTEMPT_TIMEOUT_MS)
                    .get(ATTEMPT_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.UNAVAILABLE, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new RpcException(StatusCode.UNAVAILABLE, address + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    private static String describe(Status s) {
        return s.getCode() + (s.getMessage().isEmpty() ? "" : " " + s.getMessage());
    }

    static String name(CopysetInfo c) {
        return "cs_" + c.getPoolId() + "_" + c.getCopysetId();
    }

}
