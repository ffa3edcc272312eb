package io.curvefs.common.meta;

import com.google.protobuf.Message;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.LeaderChannel;
import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.common.StatusCode;
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
import io.curvefs.proto.metaserver.DeleteDentryRequest;
import io.curvefs.proto.metaserver.DeleteDentryResponse;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.DeleteInodeResponse;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.GetLockRequest;
import io.curvefs.proto.metaserver.GetLockResponse;
import io.curvefs.proto.metaserver.HoldInodeRequest;
import io.curvefs.proto.metaserver.LockChange;
import io.curvefs.proto.metaserver.SetLockRequest;
import io.curvefs.proto.metaserver.SetLockResponse;
import io.curvefs.proto.metaserver.HoldInodeResponse;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.GetS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.GetS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.LinkRequest;
import io.curvefs.proto.metaserver.LinkResponse;
import io.curvefs.proto.metaserver.ListDentryRequest;
import io.curvefs.proto.metaserver.ListDentryResponse;
import io.curvefs.proto.metaserver.PartitionRef;
import io.curvefs.proto.metaserver.RemoveEntryRequest;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.RenameRequest;
import io.curvefs.proto.metaserver.RenameResponse;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import io.curvefs.proto.metaserver.UpdateInodeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Typed metadata operations of one file system: inodes, dentries and chunk lists, each sent to the
 * partition that owns it. Every non-OK answer is thrown as {@link RpcException} with its status code;
 * mapping codes to errno is the FUSE layer's job.
 */
public final class MetaClient {
    private static final Logger LOG = LoggerFactory.getLogger(MetaClient.class);

    /** Answers meaning the route was stale: reload it from the MDS and send again. */
    private static final Set<StatusCode> STALE_ROUTE = EnumSet.of(
            StatusCode.PARTITION_NOT_FOUND, StatusCode.COPYSET_NOT_FOUND, StatusCode.INODE_OUT_OF_RANGE);
    private static final int MAX_ROUTE_ATTEMPTS = 4;
    private static final long ROUTE_RETRY_PAUSE_MS = 100;
    /** Partitions asked for at once when none is writable, as the original client does. */
    private static final int PARTITIONS_PER_GROWTH = 3;
    /**
     * Bounds both the partitions tried for one new inode and the rounds of looking for a writable one;
     * each round may see another thread's reload or growth, so a few are normal under contention.
     */
    private static final int MAX_PLACEMENT_ATTEMPTS = 8;
    private static final int LIST_PAGE = 1024;
    /**
     * How long a request waits for rename transactions that hold its name: several transaction TTLs, so a
     * transaction whose client vanished expires and is rolled back within it.
     */
    private static final long TX_LOCK_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long TX_LOCK_PAUSE_MS = 20;

    private final CurveRpcClient rpc;
    private final MdsClient mds;
    private final PartitionRouter router;
    private final int fsId;
    /** Serialises asking the MDS for partitions, so concurrent creators do not each ask. */
    private final Object growLock = new Object();
    private final TxResolver resolver;

    public MetaClient(CurveRpcClient rpc, MdsClient mds, int fsId, RetryPolicy policy) {
        this.rpc = rpc;
        this.mds = mds;
        this.fsId = fsId;
        this.router = new PartitionRouter(fsId, mds, peers -> new LeaderChannel(rpc, peers, policy));
        this.resolver = new TxResolver(new TxCalls(this));
    }

    public PartitionRouter router() {
        return router;
    }

    /** This process's client id: the holder metaservers record for files it keeps open without a name. */
    public String clientId() {
        return rpc.clientId();
    }

    /**
     * Settles the partition's rename transactions whose deadline passed, whatever became of their clients:
     * forward when committed at the primary, back otherwise. False when one could not be settled yet.
     */
    public boolean settleExpiredTransactions(int partitionId) {
        return resolver.resolveExpired(partitionId, System.currentTimeMillis());
    }

    public Inode getInode(long inodeId, boolean withChunks) {
        GetInodeResponse resp = callOwner(inodeId, ref -> GetInodeRequest.newBuilder()
                .setPartition(ref).setInodeId(inodeId).setWithChunks(withChunks).build());
        return resp.getInode();
    }

    /** Attributes (no chunk lists) of the ids that exist, one request per partition involved. */
    public List<Inode> batchGetInodeAttr(Collection<Long> inodeIds) {
        Map<Integer, List<Long>> byPartition = new LinkedHashMap<>();
        for (long id : inodeIds) {
            byPartition.computeIfAbsent(router.route(id).partitionId(), p -> new ArrayList<>()).add(id);
        }
        List<Inode> attrs = new ArrayList<>(inodeIds.size());
        for (List<Long> ids : byPartition.values()) {
            BatchGetInodeAttrResponse resp = callOwner(ids.get(0), ref -> BatchGetInodeAttrRequest.newBuilder()
                    .setPartition(ref).addAllInodeIds(ids).build());
            attrs.addAll(resp.getAttrsList());
        }
        return attrs;
    }

    /** Partial update: {@code changes} sets only the fields to change. Returns the inode afterwards. */
    public Inode updateInode(long inodeId, Consumer<UpdateInodeRequest.Builder> changes) {
        UpdateInodeResponse resp = callOwner(inodeId, ref -> {
            UpdateInodeRequest.Builder b = UpdateInodeRequest.newBuilder().setPartition(ref).setInodeId(inodeId);
            changes.accept(b);
            return b.build();
        });
        return resp.getInode();
    }

    /**
     * Deletes an empty directory, or puts any other inode in its partition's trash ({@code time}: the
     * deletion time), where the metaserver reclaims its objects after the retention; answers it as it was.
     */
    public Inode deleteInode(long inodeId, Time time) {
        DeleteInodeResponse resp = callOwner(inodeId, ref -> DeleteInodeRequest.newBuilder()
                .setPartition(ref).setInodeId(inodeId).setTime(time).build());
        return resp.getInode();
    }

    /**
     * This mount's hold of a nameless file ends (its last close here): the file is reclaimed a retention
     * after the last holder released it. Answers the inode as it was.
     */
    public Inode releaseInode(long inodeId, Time time) {
        DeleteInodeResponse resp = callOwner(inodeId, ref -> DeleteInodeRequest.newBuilder()
                .setPartition(ref).setInodeId(inodeId).setTime(time).setHolder(clientId()).build());
        return resp.getInode();
    }

    /**
     * This mount has a file open that lost its last name elsewhere: the trash keeps it, however long that
     * lasts, until {@link #releaseInode} (or the end of this mount's session). Answers the inode.
     */
    public Inode holdInode(long inodeId) {
        HoldInodeResponse resp = callOwner(inodeId, ref -> HoldInodeRequest.newBuilder()
                .setPartition(ref).setInodeId(inodeId).setHolder(clientId()).build());
        return resp.getInode();
    }

    /**
     * Takes, converts or releases a file lock of one lock owner of this mount (the holder is this
     * client); LOCK_CONFLICT (as RpcException) when another owner's lock is in the way.
     */
    public void setLock(long inodeId, LockChange change, FileLock lock) {
        this.<SetLockResponse>callOwner(inodeId, ref -> SetLockRequest.newBuilder().setPartition(ref)
                .setInodeId(inodeId).setChange(change).setLock(lock.toBuilder().setHolder(clientId())).build());
    }

    /** The lock of another owner that {@code lock} (of this client) would conflict with, if any (F_GETLK). */
    public Optional<FileLock> conflictingLock(long inodeId, FileLock lock) {
        GetLockResponse resp = callOwner(inodeId, ref -> GetLockRequest.newBuilder().setPartition(ref)
                .setInodeId(inodeId).setLock(lock.toBuilder().setHolder(clientId())).build());
        return resp.hasConflict() ? Optional.of(resp.getConflict()) : Optional.empty();
    }

    /** The id of the partition that owns the inode. */
    public int partitionOf(long inodeId) {
        return router.route(inodeId).partitionId();
    }

    /** Whether two inodes live in one partition, so that one command can change both. */
    public boolean samePartition(long a, long b) {
        return router.route(a).partitionId() == router.route(b).partitionId();
    }

    /**
     * Creates an inode and its dentry {@code name} under {@code parent}. The inode goes into the parent's
     * partition with one atomic request; when that partition has no ids left, it goes to another
     * writable partition and is then linked by a second request (and removed again if linking fails).
     */
    public Created createNode(long parent, String name, FsFileType type, int mode, int uid, int gid,
                              long rdev, String symlink, Time time) {
        Route parentRoute = router.route(parent);
        if (router.isWritable(parentRoute)) {
            try {
                CreateNodeResponse resp = callOwner(parent, ref -> CreateNodeRequest.newBuilder()
                        .setPartition(ref).setParentInodeId(parent).setName(name).setType(type)
                        .setMode(mode).setUid(uid).setGid(gid).setRdev(rdev).setSymlink(symlink)
                        .setTime(time).build());
                return new Created(resp.getInode(), resp.getParent());
            } catch (RpcException e) {
                if (e.code() != StatusCode.PARTITION_READONLY) {
                    throw e;
                }
                router.markReadOnly(parentRoute.partitionId());
            }
        }
        Inode inode = createInodeElsewhere(parent, type, mode, uid, gid, rdev, symlink, time);
        try {
            createDentry(Dentry.newBuilder().setFsId(fsId).setParentInodeId(parent).setName(name)
                    .setInodeId(inode.getInodeId()).setType(type).build(), time);
        } catch (RpcException e) {
            deleteOrphan(inode.getInodeId(), time, e);
            throw e;
        }
        return new Created(inode, null);
    }

    /** A new inode and, when one command made it, its parent afterwards (else null). */
    public record Created(Inode inode, Inode parent) {
    }

    /** Links an existing inode; {@code time} becomes the parent's mtime and ctime. */
    public void createDentry(Dentry dentry, Time time) {
        this.<CreateDentryResponse>callOwner(dentry.getParentInodeId(), ref -> CreateDentryRequest.newBuilder()
                .setPartition(ref).setDentry(dentry).setTime(time).build());
    }

    /** The entry and, when it lives with its parent (the usual case), the inode's attributes in one call. */
    public GetDentryResponse lookup(long parent, String name) {
        return callOwner(parent, ref -> GetDentryRequest.newBuilder()
                .setPartition(ref).setParentInodeId(parent).setName(name).setWithInode(true).build());
    }

    public Dentry getDentry(long parent, String name) {
        GetDentryResponse resp = callOwner(parent, ref -> GetDentryRequest.newBuilder()
                .setPartition(ref).setParentInodeId(parent).setName(name).build());
        return resp.getDentry();
    }

    /** Up to {@code count} entries after {@code last} ("" = from the start), sorted by name. */
    public DentryPage listDentry(long dir, String last, int count) {
        ListDentryResponse resp = callOwner(dir, ref -> ListDentryRequest.newBuilder()
                .setPartition(ref).setDirInodeId(dir).setLast(last).setCount(count).build());
        return new DentryPage(resp.getDentriesList(), resp.getHasMore());
    }

    /** Every entry of the directory, fetched page by page. */
    public List<Dentry> listAll(long dir) {
        List<Dentry> all = new ArrayList<>();
        String last = "";
        while (true) {
            DentryPage page = listDentry(dir, last, LIST_PAGE);
            all.addAll(page.entries());
            if (!page.hasMore()) {
                return all;
            }
            if (page.entries().isEmpty()) {
                throw new RpcException(StatusCode.INTERNAL_ERROR,
                        "listing of directory " + dir + " claims more entries but returned none");
            }
            last = page.entries().get(page.entries().size() - 1).getName();
        }
    }

    /** Removes the name; returns the dentry that was removed. */
    public Dentry deleteDentry(long parent, String name, Time time) {
        DeleteDentryResponse resp = callOwner(parent, ref -> DeleteDentryRequest.newBuilder()
                .setPartition(ref).setParentInodeId(parent).setName(name).setTime(time).build());
        return resp.getDentry();
    }

    /** unlink(2) / rmdir(2) in one command; see RemoveEntryRequest for what changes where. */
    public RemoveEntryResponse removeEntry(long parent, String name, boolean directory, int callerUid,
                                           boolean keepIfOrphaned, Time time) {
        return callOwner(parent, ref -> RemoveEntryRequest.newBuilder().setPartition(ref)
                .setParentInodeId(parent).setName(name).setDirectory(directory).setCallerUid(callerUid)
                .setKeepIfOrphaned(keepIfOrphaned).setTime(time).build());
    }

    /** link(2) in one command when the inode lives with {@code parent}; see LinkRequest. */
    public LinkResponse link(long parent, String name, long inodeId, FsFileType type, Time time) {
        return callOwner(parent, ref -> LinkRequest.newBuilder().setPartition(ref).setParentInodeId(parent)
                .setName(name).setInodeId(inodeId).setType(type).setTime(time).build());
    }

    /** rename(2) of two parents that live in one partition, in one command; see RenameRequest. */
    public RenameResponse renameLocal(long srcParent, String srcName, long dstParent, String dstName,
                                      int callerUid, long keepIfOrphaned, Time time) {
        return callOwner(srcParent, ref -> RenameRequest.newBuilder().setPartition(ref)
                .setSrcParent(srcParent).setSrcName(srcName).setDstParent(dstParent).setDstName(dstName)
                .setCallerUid(callerUid).setKeepIfOrphaned(keepIfOrphaned).setTime(time).build());
    }

    /** Appends chunk infos (chunk index -> infos); {@code length} only when the file grows. */
    public Inode appendChunkInfo(long inodeId, Map<Long, S3ChunkInfoList> add, OptionalLong length, Time mtime) {
        AppendS3ChunkInfoResponse resp = callOwner(inodeId, ref -> {
            AppendS3ChunkInfoRequest.Builder b = AppendS3ChunkInfoRequest.newBuilder()
                    .setPartition(ref).setInodeId(inodeId).putAllAdd(add).setMtime(mtime);
            length.ifPresent(b::setLength);
            return b.build();
        });
        return resp.getInode();
    }

    /** Chunk infos of the given chunk indexes (all of them when empty). */
    public Map<Long, S3ChunkInfoList> getChunkInfo(long inodeId, Collection<Long> chunkIndexes) {
        GetS3ChunkInfoResponse resp = callOwner(inodeId, ref -> GetS3ChunkInfoRequest.newBuilder()
                .setPartition(ref).setInodeId(inodeId).addAllChunkIndexes(chunkIndexes).build());
        return resp.getInfosMap();
    }

    private Inode createInodeElsewhere(long parent, FsFileType type, int mode, int uid, int gid,
                                       long rdev, String symlink, Time time) {
        for (int attempt = 0; attempt < MAX_PLACEMENT_ATTEMPTS; attempt++) {
            int partitionId = writablePartition().partitionId();
            try {
                CreateInodeResponse resp = call(() -> router.partition(partitionId), true, ref -> CreateInodeRequest
                        .newBuilder().setPartition(ref).setParent(parent).setType(type).setMode(mode)
                        .setUid(uid).setGid(gid).setRdev(rdev).setSymlink(symlink).setTime(time).build());
                return resp.getInode();
            } catch (RpcException e) {
                if (e.code() != StatusCode.PARTITION_READONLY) {
                    throw e;
                }
                router.markReadOnly(partitionId);
            }
        }
        throw new RpcException(StatusCode.PARTITION_READONLY, "fs " + fsId + ": no partition took a new inode in "
                + MAX_PLACEMENT_ATTEMPTS + " attempts");
    }

    /** A writable partition; asks the MDS for more partitions when every known one is full. */
    private Route writablePartition() {
        for (int round = 0; round < MAX_PLACEMENT_ATTEMPTS; round++) {
            long seen = router.version();
            Optional<Route> picked = router.pickWritable();
            if (picked.isPresent()) {
                return picked.get();
            }
            synchronized (growLock) {
                if (router.version() != seen) {
                    continue; // another thread reloaded meanwhile: look at its table first
                }
                router.refresh(seen); // another mount may have added partitions already
                if (router.pickWritable().isPresent()) {
                    continue;
                }
                LOG.info("fs {}: every partition is full, asking the MDS for {} more", fsId, PARTITIONS_PER_GROWTH);
                mds.createPartitions(fsId, PARTITIONS_PER_GROWTH);
                router.refresh(router.version());
            }
        }
        throw new RpcException(StatusCode.PARTITION_READONLY, "fs " + fsId + " has no writable partition");
    }

    private void deleteOrphan(long inodeId, Time time, RpcException cause) {
        try {
            deleteInode(inodeId, time);
        } catch (RpcException e) {
            LOG.warn("fs {}: inode {} left without a name ({}); deleting it failed: {} {}",
                    fsId, inodeId, cause.code(), e.code(), e.getMessage());
        }
    }

    private <R extends Message> R callOwner(long inodeId, Function<PartitionRef, Message> request) {
        return call(() -> router.route(inodeId), true, request);
    }

    /** A request to a partition by id; {@code resolveLocks}: see {@link #call}. */
    <R extends Message> R callPartition(int partitionId, boolean resolveLocks, Function<PartitionRef, Message> request) {
        return call(() -> router.partition(partitionId), resolveLocks, request);
    }

    /**
     * Sends a request to the partition {@code route} names, reloading the route when the metaserver
     * says it is stale. The header (client id + seq) is fixed at the first attempt and kept on every
     * resend, so the metaserver sees all attempts as one mutation; only the partition address may change.
     * With {@code resolveLocks}, a TX_LOCKED answer (a rename transaction holds the name) settles the
     * partition's transactions, waits for live ones and sends again under a new header: the refusal
     * changed nothing, but the metaserver remembers it as the answer to the old header.
     */
    private <R extends Message> R call(Supplier<Route> route, boolean resolveLocks,
                                       Function<PartitionRef, Message> request) {
        RequestHeader header = null;
        long lockDeadline = System.nanoTime() + TX_LOCK_WAIT_NS;
        for (int attempt = 1; ; attempt++) {
            Route target = route.get();
            Message addressed = request.apply(target.ref());
            Message stamped = header == null ? rpc.stamp(addressed) : Statuses.withHeader(addressed, header);
            header = Statuses.headerOf(stamped);
            R resp = target.channel().call(stamped);
            StatusCode code = Statuses.statusOf(resp).getCode();
            if (code == StatusCode.TX_LOCKED && resolveLocks && System.nanoTime() < lockDeadline) {
                if (!resolver.resolve(target.partitionId())) {
                    RetryPolicy.pause(TX_LOCK_PAUSE_MS);
                }
                header = null;
                attempt--; // waiting for a transaction is not a routing attempt
                continue;
            }
            if (!STALE_ROUTE.contains(code) || attempt == MAX_ROUTE_ATTEMPTS) {
                return Statuses.requireOk(resp);
            }
            LOG.info("fs {}: partition {} answered {}, reloading routes", fsId, target.partitionId(), code);
            router.refresh(target, code == StatusCode.COPYSET_NOT_FOUND);
            RetryPolicy.pause(ROUTE_RETRY_PAUSE_MS * attempt);
        }
    }

}
