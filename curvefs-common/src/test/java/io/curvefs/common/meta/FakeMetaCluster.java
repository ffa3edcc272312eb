package io.curvefs.common.meta;

import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.RpcHandler;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.CreatePartitionRequest;
import io.curvefs.proto.mds.CreatePartitionResponse;
import io.curvefs.proto.mds.ListPartitionRequest;
import io.curvefs.proto.mds.ListPartitionResponse;
import io.curvefs.proto.metaserver.CreateDentryRequest;
import io.curvefs.proto.metaserver.CreateDentryResponse;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateInodeResponse;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.CreateNodeResponse;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.DeleteInodeResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import io.curvefs.proto.metaserver.UpdateInodeResponse;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One in-JVM server playing both the MDS and the only replica of one copyset, with scripted answers:
 * which partitions refuse new inodes, which names already exist, which statuses to answer once. It
 * records every request, so tests can check what the client sent.
 */
final class FakeMetaCluster implements AutoCloseable {
    static final String TOKEN = "fake-token";
    static final int FS = 1;
    static final long IDS_PER_PARTITION = 100;

    private final CurveRpcServer server;
    private final String address;
    private final List<PartitionInfo> partitions = new ArrayList<>();
    /** Per partition, the next id it hands out. */
    private final Map<Integer, AtomicInteger> nextId = new ConcurrentHashMap<>();
    private final Set<Integer> full = ConcurrentHashMap.newKeySet();
    private final Set<String> existingNames = ConcurrentHashMap.newKeySet();
    /** Statuses to answer once per request type before serving it normally. */
    private final Map<Class<?>, StatusCode> failOnce = new ConcurrentHashMap<>();
    private final List<Message> received = new ArrayList<>();
    private final AtomicInteger listCalls = new AtomicInteger();

    private FakeMetaCluster(int port, int partitionCount) {
        address = "127.0.0.1:" + port;
        for (int i = 0; i < partitionCount; i++) {
            addPartition();
        }
        server = new CurveRpcServer(new Endpoint("127.0.0.1", port), TOKEN, 2);
        registerMds();
        registerMetaserver();
        server.start();
    }

    static FakeMetaCluster start(int partitionCount) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new FakeMetaCluster(port, partitionCount);
    }

    String address() {
        return address;
    }

    void markFull(int partitionId) {
        full.add(partitionId);
    }

    void nameExists(String name) {
        existingNames.add(name);
    }

    void failOnce(Class<? extends Message> requestType, StatusCode code) {
        failOnce.put(requestType, code);
    }

    int listCalls() {
        return listCalls.get();
    }

    synchronized int partitionCount() {
        return partitions.size();
    }

    @SuppressWarnings("unchecked")
    synchronized <Q extends Message> List<Q> received(Class<Q> type) {
        List<Q> out = new ArrayList<>();
        for (Message m : received) {
            if (type.isInstance(m)) {
                out.add((Q) m);
            }
        }
        return out;
    }

    private synchronized PartitionInfo addPartition() {
        int id = partitions.size() + 1;
        long start = (id - 1) * IDS_PER_PARTITION;
        PartitionInfo p = PartitionInfo.newBuilder().setFsId(FS).setPoolId(1).setCopysetId(1).setPartitionId(id)
                .setStart(start).setEnd(start + IDS_PER_PARTITION - 1).setStatus(PartitionStatus.READWRITE).build();
        partitions.add(p);
        nextId.put(id, new AtomicInteger((int) Math.max(3, start)));
        return p;
    }

    private void registerMds() {
        server.register(ListPartitionRequest.class, ListPartitionResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            listCalls.incrementAndGet();
            synchronized (this) {
                return ListPartitionResponse.newBuilder().setStatus(Statuses.OK).addAllPartitions(partitions)
                        .addCopysets(CopysetInfo.newBuilder().setPoolId(1).setCopysetId(1)
                                .addPeers(Peer.newBuilder().setMetaserverId(1).setAddress(address)))
                        .build();
            }
        }));
        server.register(CreatePartitionRequest.class, CreatePartitionResponse.getDefaultInstance(),
                RpcHandler.sync(r -> {
                    record(r);
                    CreatePartitionResponse.Builder out = CreatePartitionResponse.newBuilder().setStatus(Statuses.OK);
                    for (int i = 0; i < r.getCount(); i++) {
                        out.addPartitions(addPartition());
                    }
                    return out.build();
                }));
    }

    private void registerMetaserver() {
        server.register(CreateNodeRequest.class, CreateNodeResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            record(r);
            requireAbsent(r.getName());
            return CreateNodeResponse.newBuilder().setStatus(Statuses.OK)
                    .setInode(allocate(r.getPartition())).build();
        }));
        server.register(CreateInodeRequest.class, CreateInodeResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            record(r);
            return CreateInodeResponse.newBuilder().setStatus(Statuses.OK)
                    .setInode(allocate(r.getPartition())).build();
        }));
        server.register(CreateDentryRequest.class, CreateDentryResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            record(r);
            requireAbsent(r.getDentry().getName());
            return CreateDentryResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
        server.register(DeleteInodeRequest.class, DeleteInodeResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            record(r);
            return DeleteInodeResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
        server.register(UpdateInodeRequest.class, UpdateInodeResponse.getDefaultInstance(), RpcHandler.sync(r -> {
            record(r);
            return UpdateInodeResponse.newBuilder().setStatus(Statuses.OK)
                    .setInode(Inode.newBuilder().setInodeId(r.getInodeId()).setMode(r.getMode())).build();
        }));
    }

    /** Records the request, then answers a scripted failure if one is pending for its type. */
    private void record(Message request) {
        synchronized (this) {
            received.add(request);
        }
        StatusCode code = failOnce.remove(request.getClass());
        if (code != null) {
            throw new RpcException(code, "scripted " + code);
        }
    }

    private void requireAbsent(String name) {
        if (existingNames.contains(name)) {
            throw new RpcException(StatusCode.DENTRY_EXIST, name + " exists");
        }
    }

    private Inode allocate(PartitionRef ref) {
        if (full.contains(ref.getPartitionId())) {
            throw new RpcException(StatusCode.PARTITION_READONLY, "partition " + ref.getPartitionId() + " is full");
        }
        return Inode.newBuilder().setInodeId(nextId.get(ref.getPartitionId()).getAndIncrement()).setFsId(FS).build();
    }

    @Override
    public void close() {
        server.close();
    }
}
