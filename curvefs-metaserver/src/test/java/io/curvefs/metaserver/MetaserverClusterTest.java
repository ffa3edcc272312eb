package io.curvefs.metaserver;

import com.alipay.sofa.jraft.Status;
import com.google.protobuf.ByteString;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import io.curvefs.proto.common.Peer;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.copyset.CreateCopysetRequest;
import io.curvefs.proto.copyset.CreateCopysetResponse;
import io.curvefs.proto.copyset.GetCopysetStatusRequest;
import io.curvefs.proto.copyset.GetCopysetStatusResponse;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.BatchGetInodeAttrRequest;
import io.curvefs.proto.metaserver.BatchGetInodeAttrResponse;
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
import io.curvefs.proto.metaserver.DeletePartitionRequest;
import io.curvefs.proto.metaserver.DeletePartitionResponse;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.GetPartitionRequest;
import io.curvefs.proto.metaserver.GetPartitionResponse;
import io.curvefs.proto.metaserver.GetS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.GetS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListDentryRequest;
import io.curvefs.proto.metaserver.ListDentryResponse;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import io.curvefs.proto.metaserver.UpdateInodeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three metaservers with real raft and RocksDB on loopback; each test uses its own copyset. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetaserverClusterTest {
    private static final int POOL = 1;
    private static final int FS = 7;
    private static final long RANGE = 1 << 20;
    private static final Time T1 = Time.newBuilder().setSec(1_700_000_000L).setNsec(5).build();
    private static final Time T2 = Time.newBuilder().setSec(1_700_000_100L).setNsec(6).build();

    private Path root;
    private TestCluster cluster;
    private LeaderChannel channel;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        root = dir;
        cluster = new TestCluster(root);
        channel = cluster.channel();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static PartitionRef ref(int copyset, int partition) {
        return PartitionRef.newBuilder().setPoolId(POOL).setCopysetId(copyset).setPartitionId(partition)
                .setFsId(FS).build();
    }

    private void createPartition(int copyset, int partition, long start, long end) {
        CreatePartitionResponse r = channel.call(CreatePartitionRequest.newBuilder().setPartition(
                partitionInfo(copyset, partition, start, end)).build());
        assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
    }

    private static PartitionInfo partitionInfo(int copyset, int partition, long start, long end) {
        return PartitionInfo.newBuilder().setFsId(FS).setPoolId(POOL).setCopysetId(copyset)
                .setPartitionId(partition).setStart(start).setEnd(end).build();
    }

    private PartitionInfo partition(int copyset, int partition) {
        GetPartitionResponse r = channel.call(GetPartitionRequest.newBuilder().setPoolId(POOL)
                .setCopysetId(copyset).setPartitionId(partition).build());
        return Statuses.requireOk(r).getPartition();
    }

    private Inode createRoot(int copyset, int partition) {
        CreateRootInodeResponse r = channel.call(CreateRootInodeRequest.newBuilder()
                .setPartition(ref(copyset, partition)).setTime(T1).build());
        return Statuses.requireOk(r).getInode();
    }

    private static CreateNodeRequest node(int copyset, int partition, long parent, String name, FsFileType type) {
        return CreateNodeRequest.newBuilder().setPartition(ref(copyset, partition)).setParentInodeId(parent)
                .setName(name).setType(type).setMode(type == FsFileType.TYPE_DIRECTORY ? 0755 : 0644)
                .setUid(1000).setGid(1000).setTime(T2).build();
    }

    private CreateNodeResponse createNode(CreateNodeRequest request) {
        return channel.call(request);
    }

    private Inode getInode(int copyset, int partition, long ino, boolean withChunks) {
        GetInodeResponse r = channel.call(GetInodeRequest.newBuilder().setPartition(ref(copyset, partition))
                .setInodeId(ino).setWithChunks(withChunks).build());
        return Statuses.requireOk(r).getInode();
    }

    @Test
    void inodesDentriesAndCountersThroughTheLeader() throws Exception {
        int cs = 1;
        cluster.createCopyset(POOL, cs);
        cluster.createCopyset(POOL, cs); // same peers again: OK
        CopysetInfo otherPeers = CopysetInfo.newBuilder().setPoolId(POOL).setCopysetId(cs)
                .addPeers(Peer.newBuilder().setAddress(cluster.addresses().get(0))).build();
        CreateCopysetResponse conflict = cluster.invoke(cluster.addresses().get(0),
                CreateCopysetRequest.newBuilder().addCopysets(otherPeers).build());
        assertEquals(StatusCode.INVALID_ARGUMENT, conflict.getStatus().getCode());

        createPartition(cs, 1, 0, RANGE - 1);
        createPartition(cs, 1, 0, RANGE - 1); // identical: OK
        CreatePartitionResponse clash = channel.call(CreatePartitionRequest.newBuilder()
                .setPartition(partitionInfo(cs, 1, 0, 99)).build());
        assertEquals(StatusCode.ALREADY_EXISTS, clash.getStatus().getCode());

        Inode root = createRoot(cs, 1);
        assertEquals(1, root.getInodeId());
        assertEquals(FsFileType.TYPE_DIRECTORY, root.getType());
        assertEquals(2, root.getNlink());
        assertEquals(040755, root.getMode());
        assertEquals(root, createRoot(cs, 1), "CreateRootInode is idempotent");

        CreateNodeResponse file = createNode(node(cs, 1, 1, "a", FsFileType.TYPE_S3));
        assertEquals(StatusCode.OK, file.getStatus().getCode(), file.getStatus().getMessage());
        assertEquals(3, file.getInode().getInodeId(), "ids 1 and 2 are reserved");
        assertEquals(0100644, file.getInode().getMode());
        assertEquals(2, file.getParent().getNlink());
        assertEquals(T2.getSec(), file.getParent().getMtime());
        CreateNodeResponse dir = createNode(node(cs, 1, 1, "d", FsFileType.TYPE_DIRECTORY));
        assertEquals(4, dir.getInode().getInodeId());
        assertEquals(3, dir.getParent().getNlink(), "a subdirectory links its parent");
        assertEquals(4096, dir.getInode().getLength());
        assertEquals(StatusCode.DENTRY_EXIST, createNode(node(cs, 1, 1, "a", FsFileType.TYPE_S3)).getStatus().getCode());
        assertEquals(StatusCode.NOT_DIRECTORY, createNode(node(cs, 1, 3, "x", FsFileType.TYPE_S3)).getStatus().getCode());
        assertEquals(StatusCode.INVALID_ARGUMENT, createNode(node(cs, 1, 1, "..", FsFileType.TYPE_S3)).getStatus().getCode());
        assertEquals(StatusCode.INVALID_ARGUMENT, createNode(node(cs, 1, 1, "a/b", FsFileType.TYPE_S3)).getStatus().getCode());
        assertEquals(StatusCode.NAME_TOO_LONG, createNode(node(cs, 1, 1, "n".repeat(256), FsFileType.TYPE_S3)).getStatus().getCode());

        // concurrent creates: each is one raft entry; ids stay unique
        Set<Long> ids = new HashSet<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<CreateNodeResponse>> creates = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String name = String.format("f%02d", i);
                creates.add(CompletableFuture.supplyAsync(() -> createNode(node(cs, 1, 1, name, FsFileType.TYPE_S3)),
                        clients));
            }
            for (CompletableFuture<CreateNodeResponse> f : creates) {
                CreateNodeResponse r = f.get(30, TimeUnit.SECONDS);
                assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
                ids.add(r.getInode().getInodeId());
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(25, ids.size());

        // paged listing, sorted by name
        List<String> names = new ArrayList<>();
        String last = "";
        int pages = 0;
        boolean more = true;
        while (more) {
            ListDentryResponse page = channel.call(ListDentryRequest.newBuilder().setPartition(ref(cs, 1))
                    .setDirInodeId(1).setLast(last).setCount(10).build());
            Statuses.requireOk(page);
            assertTrue(page.getDentriesCount() <= 10);
            page.getDentriesList().forEach(d -> names.add(d.getName()));
            last = page.getDentries(page.getDentriesCount() - 1).getName();
            more = page.getHasMore();
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(27, names.size());
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals("a", names.get(0));
        ListDentryResponse dirs = channel.call(ListDentryRequest.newBuilder().setPartition(ref(cs, 1))
                .setDirInodeId(1).setOnlyDir(true).build());
        assertEquals(List.of("d"), dirs.getDentriesList().stream().map(Dentry::getName).toList());
        assertFalse(dirs.getHasMore());

        GetDentryResponse lookup = channel.call(GetDentryRequest.newBuilder().setPartition(ref(cs, 1))
                .setParentInodeId(1).setName("d").build());
        assertEquals(4, Statuses.requireOk(lookup).getDentry().getInodeId());
        GetDentryResponse missing = channel.call(GetDentryRequest.newBuilder().setPartition(ref(cs, 1))
                .setParentInodeId(1).setName("nope").build());
        assertEquals(StatusCode.DENTRY_NOT_FOUND, missing.getStatus().getCode());

        // partial update: length, mode bits (the type bits stay), xattr
        UpdateInodeResponse updated = channel.call(UpdateInodeRequest.newBuilder().setPartition(ref(cs, 1))
                .setInodeId(3).setLength(100).setMode(0600).putXattrSet("user.k", ByteString.copyFromUtf8("v"))
                .build());
        Inode a = Statuses.requireOk(updated).getInode();
        assertEquals(100, a.getLength());
        assertEquals(0100600, a.getMode());
        assertEquals(1000, a.getUid(), "fields absent from the request are kept");
        assertEquals("v", getInode(cs, 1, 3, false).getXattrOrThrow("user.k").toStringUtf8());

        // chunk infos keep append order; the length grows with them
        appendChunk(cs, 3, 0, 11, 0, 150, 150);
        appendChunk(cs, 3, 0, 12, 50, 150, 200);
        GetS3ChunkInfoResponse chunks = channel.call(GetS3ChunkInfoRequest.newBuilder().setPartition(ref(cs, 1))
                .setInodeId(3).build());
        assertEquals(List.of(11L, 12L), Statuses.requireOk(chunks).getInfosOrThrow(0).getInfosList().stream()
                .map(S3ChunkInfo::getChunkId).toList());
        Inode withChunks = getInode(cs, 1, 3, true);
        assertEquals(200, withChunks.getLength());
        assertEquals(2, withChunks.getS3ChunkInfoMapOrThrow(0).getInfosCount());
        assertEquals(0, getInode(cs, 1, 3, false).getS3ChunkInfoMapCount());

        BatchGetInodeAttrResponse attrs = channel.call(BatchGetInodeAttrRequest.newBuilder()
                .setPartition(ref(cs, 1)).addInodeIds(1).addInodeIds(3).addInodeIds(999).build());
        assertEquals(List.of(1L, 3L), Statuses.requireOk(attrs).getAttrsList().stream().map(Inode::getInodeId).toList());

        PartitionInfo counters = partition(cs, 1);
        assertEquals(1 + 2 + 25, counters.getInodeCount());
        assertEquals(2 + 25, counters.getDentryCount());
        assertEquals(200, counters.getBytes());
        assertEquals(3 + 2 + 25, counters.getNextId());
        assertTrue(counters.getHoldsRoot());

        // rmdir: the entry goes, the parent loses the subdirectory's link, then the inode goes
        DeleteDentryResponse removed = channel.call(DeleteDentryRequest.newBuilder().setPartition(ref(cs, 1))
                .setParentInodeId(1).setName("d").setTime(T2).build());
        assertEquals(4, Statuses.requireOk(removed).getDentry().getInodeId());
        assertEquals(2, getInode(cs, 1, 1, false).getNlink());
        Statuses.requireOk(channel.<DeleteInodeResponse>call(DeleteInodeRequest.newBuilder()
                .setPartition(ref(cs, 1)).setInodeId(4).build()));
        // unlink of the file that has chunks: it goes to the trash, and its length leaves the byte counter
        Statuses.requireOk(channel.<DeleteDentryResponse>call(DeleteDentryRequest.newBuilder()
                .setPartition(ref(cs, 1)).setParentInodeId(1).setName("a").setTime(T2).build()));
        Statuses.requireOk(channel.<DeleteInodeResponse>call(DeleteInodeRequest.newBuilder()
                .setPartition(ref(cs, 1)).setInodeId(3).setTime(T2).build()));
        GetInodeResponse gone = channel.call(GetInodeRequest.newBuilder().setPartition(ref(cs, 1)).setInodeId(4).build());
        assertEquals(StatusCode.INODE_NOT_FOUND, gone.getStatus().getCode(), "the directory is gone at once");
        Inode trashed = getInode(cs, 1, 3, true);
        assertEquals(T2.getSec(), trashed.getDtime());
        assertTrue(trashed.getS3ChunkInfoMapCount() > 0, "its chunk infos wait for the trash reclaimer");
        counters = partition(cs, 1);
        assertEquals(1 + 25, counters.getInodeCount());
        assertEquals(25, counters.getDentryCount());
        assertEquals(0, counters.getBytes());

        // a plain CreateInode plus CreateDentry (the cross-partition path) links a file too
        CreateInodeResponse loose = channel.call(CreateInodeRequest.newBuilder().setPartition(ref(cs, 1))
                .setType(FsFileType.TYPE_SYM_LINK).setSymlink("target").setMode(0777).setParent(1).setTime(T1).build());
        Inode link = Statuses.requireOk(loose).getInode();
        assertEquals(6, link.getLength());
        CreateDentryResponse linked = channel.call(CreateDentryRequest.newBuilder().setPartition(ref(cs, 1))
                .setDentry(Dentry.newBuilder().setParentInodeId(1).setName("ln").setInodeId(link.getInodeId())
                        .setType(FsFileType.TYPE_SYM_LINK)).setTime(T2).build());
        Statuses.requireOk(linked);

        // refusals that protect routing
        GetInodeResponse foreign = channel.call(GetInodeRequest.newBuilder().setPartition(ref(cs, 1))
                .setInodeId(RANGE + 5).build());
        assertEquals(StatusCode.INODE_OUT_OF_RANGE, foreign.getStatus().getCode());
        GetInodeResponse noPartition = channel.call(GetInodeRequest.newBuilder().setPartition(ref(cs, 99))
                .setInodeId(3).build());
        assertEquals(StatusCode.PARTITION_NOT_FOUND, noPartition.getStatus().getCode());
        GetInodeResponse noCopyset = channel.call(GetInodeRequest.newBuilder().setPartition(ref(99, 1))
                .setInodeId(3).build());
        assertEquals(StatusCode.COPYSET_NOT_FOUND, noCopyset.getStatus().getCode());

        // a follower redirects to the leader
        String leader = cluster.status(0, POOL, cs, false).getLeader();
        String follower = cluster.addresses().stream().filter(x -> !x.equals(leader)).findFirst().orElseThrow();
        GetInodeResponse redirected = cluster.invoke(follower, GetInodeRequest.newBuilder()
                .setPartition(ref(cs, 1)).setInodeId(1).build());
        assertEquals(StatusCode.NOT_LEADER, redirected.getStatus().getCode());
        assertEquals(leader, redirected.getStatus().getLeader());

        // dropping the partition drops everything in it
        Statuses.requireOk(channel.<DeletePartitionResponse>call(DeletePartitionRequest.newBuilder()
                .setPoolId(POOL).setCopysetId(cs).setPartitionId(1).build()));
        GetPartitionResponse dropped = channel.call(GetPartitionRequest.newBuilder().setPoolId(POOL)
                .setCopysetId(cs).setPartitionId(1).build());
        assertEquals(StatusCode.PARTITION_NOT_FOUND, dropped.getStatus().getCode());
        awaitReplicasEqual(cs);
        CopysetNode local = cluster.node(0).copysets().require(POOL, cs);
        assertTrue(local.reader().partitions().isEmpty());
        assertFalse(local.reader().hasDentries(1, 1));
    }

    private void appendChunk(int cs, long ino, long chunkIndex, long chunkId, long offset, long len, long newLength) {
        AppendS3ChunkInfoResponse r = channel.call(AppendS3ChunkInfoRequest.newBuilder().setPartition(ref(cs, 1))
                .setInodeId(ino).putAdd(chunkIndex, S3ChunkInfoList.newBuilder().addInfos(S3ChunkInfo.newBuilder()
                        .setChunkId(chunkId).setOffset(offset).setLen(len).setSize(len)).build())
                .setLength(newLength).setMtime(T2).build());
        assertEquals(newLength, Statuses.requireOk(r).getInode().getLength());
    }

    @Test
    void retriedCreateNodeReturnsTheFirstResult() throws Exception {
        int cs = 2;
        cluster.createCopyset(POOL, cs);
        createPartition(cs, 1, 0, RANGE - 1);
        createRoot(cs, 1);
        RequestHeader header = RequestHeader.newBuilder().setClusterToken(TestCluster.TOKEN)
                .setClientId(cluster.client.clientId()).setSeq(1_000_000).build();
        CreateNodeRequest request = node(cs, 1, 1, "once", FsFileType.TYPE_S3).toBuilder().setHeader(header).build();
        CreateNodeResponse first = createNode(request);
        assertEquals(StatusCode.OK, first.getStatus().getCode(), first.getStatus().getMessage());
        PartitionInfo before = partition(cs, 1);

        CreateNodeResponse retry = createNode(request);
        assertEquals(first, retry, "a retry gets the first answer, not DENTRY_EXIST");
        PartitionInfo after = partition(cs, 1);
        assertEquals(before.getNextId(), after.getNextId(), "the retry allocated no id");
        assertEquals(before.getInodeCount(), after.getInodeCount());

        // the same request under a new sequence number is a new mutation
        CreateNodeResponse fresh = createNode(request.toBuilder().setHeader(header.toBuilder().setSeq(1_000_001)).build());
        assertEquals(StatusCode.DENTRY_EXIST, fresh.getStatus().getCode());
    }

    @Test
    void laggingReplicaCatchesUpFromSnapshotAfterRestart() throws Exception {
        int cs = 3;
        cluster.createCopyset(POOL, cs);
        createPartition(cs, 1, 0, RANGE - 1);
        createRoot(cs, 1);
        String leader = awaitLeader(cs);
        int stopped = cluster.addresses().indexOf(cluster.addresses().stream()
                .filter(x -> !x.equals(leader)).findFirst().orElseThrow());
        cluster.stop(stopped);
        try {
            for (int i = 0; i < 20; i++) {
                CreateNodeResponse r = createNode(node(cs, 1, 1, "late" + i, FsFileType.TYPE_S3));
                assertEquals(StatusCode.OK, r.getStatus().getCode(), r.getStatus().getMessage());
            }
            // jraft truncates the log only up to the previous snapshot: two snapshots make the log
            // start after what the stopped replica has, so it must install a snapshot
            CopysetNode leaderNode = cluster.node(cluster.addresses().indexOf(leader)).copysets().require(POOL, cs);
            snapshot(leaderNode);
            assertEquals(StatusCode.OK, createNode(node(cs, 1, 1, "between", FsFileType.TYPE_S3)).getStatus().getCode());
            snapshot(leaderNode);
        } finally {
            cluster.start(stopped);
        }
        CreateNodeResponse after = createNode(node(cs, 1, 1, "after-restart", FsFileType.TYPE_S3));
        assertEquals(StatusCode.OK, after.getStatus().getCode(), after.getStatus().getMessage());
        awaitReplicasEqual(cs);
        // the leader's log was truncated by the snapshot: the replica caught up by installing it
        try (Stream<Path> snapshots = Files.list(root.resolve("ms" + stopped).resolve("copysets/1_3/raft/snapshot"))) {
            assertTrue(snapshots.anyMatch(p -> p.getFileName().toString().startsWith("snapshot_")));
        }
        CopysetNode restarted = cluster.node(stopped).copysets().require(POOL, cs);
        assertEquals(1 + 20 + 2, restarted.reader().partitions().get(0).getInodeCount());
        assertTrue(restarted.reader().dentry(1, 1, "late19").isPresent());
    }

    @Test
    void fullPartitionTurnsReadonly() throws Exception {
        int cs = 4;
        cluster.createCopyset(POOL, cs);
        createPartition(cs, 1, 100, 101);
        CreateInodeResponse dir = channel.call(CreateInodeRequest.newBuilder().setPartition(ref(cs, 1))
                .setType(FsFileType.TYPE_DIRECTORY).setMode(0755).setTime(T1).build());
        assertEquals(100, Statuses.requireOk(dir).getInode().getInodeId());
        CreateNodeResponse last = createNode(node(cs, 1, 100, "last", FsFileType.TYPE_S3));
        assertEquals(101, Statuses.requireOk(last).getInode().getInodeId());
        assertEquals(PartitionStatus.READONLY, partition(cs, 1).getStatus());

        CreateNodeResponse full = createNode(node(cs, 1, 100, "more", FsFileType.TYPE_S3));
        assertEquals(StatusCode.PARTITION_READONLY, full.getStatus().getCode());
        assertEquals(StatusCode.DENTRY_EXIST, createNode(node(cs, 1, 100, "last", FsFileType.TYPE_S3))
                .getStatus().getCode(), "an existing name is reported before the full range");
        CreateInodeResponse noId = channel.call(CreateInodeRequest.newBuilder().setPartition(ref(cs, 1))
                .setType(FsFileType.TYPE_S3).setTime(T1).build());
        assertEquals(StatusCode.PARTITION_READONLY, noId.getStatus().getCode());
        PartitionInfo p = partition(cs, 1);
        assertEquals(2, p.getInodeCount());
        assertEquals(102, p.getNextId());

        // a range holding only reserved ids is read-only from the start
        createPartition(cs, 2, 0, 2);
        assertEquals(PartitionStatus.READONLY, partition(cs, 2).getStatus());
    }

    @Test
    void wrongClusterTokenIsRefused() throws Exception {
        int cs = 5;
        cluster.createCopyset(POOL, cs);
        try (CurveRpcClient intruder = new CurveRpcClient("not-the-token")) {
            GetCopysetStatusResponse status = intruder.<GetCopysetStatusResponse>invoke(
                    LeaderChannel.parseEndpoint(cluster.addresses().get(0)),
                    GetCopysetStatusRequest.newBuilder().setPoolId(POOL).setCopysetId(cs).build(), 5_000)
                    .get(10, TimeUnit.SECONDS);
            assertEquals(StatusCode.UNAUTHENTICATED, status.getStatus().getCode());
            CreatePartitionResponse create = new LeaderChannel(intruder, cluster.addresses(), TestCluster.POLICY)
                    .call(CreatePartitionRequest.newBuilder().setPartition(partitionInfo(cs, 1, 0, 9)).build());
            assertEquals(StatusCode.UNAUTHENTICATED, create.getStatus().getCode());
        }
        GetPartitionResponse none = channel.call(GetPartitionRequest.newBuilder().setPoolId(POOL)
                .setCopysetId(cs).setPartitionId(1).build());
        assertEquals(StatusCode.PARTITION_NOT_FOUND, none.getStatus().getCode());
    }

    private static void snapshot(CopysetNode copyset) throws Exception {
        CompletableFuture<Status> done = new CompletableFuture<>();
        copyset.raftNode().snapshot(done::complete);
        Status status = done.get(20, TimeUnit.SECONDS);
        assertTrue(status.isOk(), status.toString());
    }

    private String awaitLeader(int cs) throws Exception {
        String[] leader = {""};
        TestCluster.await("a leader of copyset " + cs, 15_000, () -> {
            try {
                leader[0] = cluster.status(0, POOL, cs, false).getLeader();
                return !leader[0].isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        return leader[0];
    }

    /** Waits until the three replicas applied the same index and hold the same data. */
    private void awaitReplicasEqual(int cs) throws Exception {
        List<CopysetStatus> last = new ArrayList<>();
        TestCluster.await("equal replicas of copyset " + cs, 20_000, () -> {
            try {
                last.clear();
                for (int i = 0; i < 3; i++) {
                    last.add(cluster.status(i, POOL, cs, true));
                }
            } catch (Exception e) {
                return false;
            }
            Set<String> hashes = last.stream().map(CopysetStatus::getHash).collect(Collectors.toSet());
            Set<Long> applied = last.stream().map(CopysetStatus::getAppliedIndex).collect(Collectors.toSet());
            return hashes.size() == 1 && applied.size() == 1;
        });
        assertNotEquals("", last.get(0).getHash());
    }
}
