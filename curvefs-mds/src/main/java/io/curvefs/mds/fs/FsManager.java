package io.curvefs.mds.fs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.KeyedLocks;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.s3.S3Probe;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.state.Records;
import io.curvefs.mds.state.RequestLog;
import io.curvefs.mds.state.Txn;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.DeleteFsRequest;
import io.curvefs.proto.mds.DeleteFsResponse;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.FsStatus;
import io.curvefs.proto.mds.GetFsInfoRequest;
import io.curvefs.proto.mds.ListFsResponse;
import io.curvefs.proto.mds.Mountpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * File system lifecycle. Create-fs is resumable: the record is persisted as NEW first, then partitions
 * and the root inode are created and the fs becomes INITED; an identical repeat finishes an interrupted
 * creation. Delete-fs frees the name at once and leaves the partitions to {@link FsDeleter}.
 */
public final class FsManager {
    private static final Logger LOG = LoggerFactory.getLogger(FsManager.class);
    private static final String MASK = "******";

    private final MdsStore store;
    private final RequestLog requests;
    private final PartitionManager partitions;
    private final S3Probe probe;
    private final int partitionsAtCreate;
    private final KeyedLocks<String> nameLocks = new KeyedLocks<>();

    public FsManager(MdsStore store, RequestLog requests, PartitionManager partitions, S3Probe probe,
                     int partitionsAtCreate) {
        this.store = store;
        this.requests = requests;
        this.partitions = partitions;
        this.probe = probe;
        this.partitionsAtCreate = partitionsAtCreate;
    }

    public FsInfo create(CreateFsRequest req) {
        FsInfo wanted = FsParams.from(req);
        return nameLocks.withLock(wanted.getFsName(), () -> {
            Optional<FsInfo> existing = byName(wanted.getFsName());
            if (existing.isPresent()) {
                if (!FsParams.sameParams(existing.get(), wanted)) {
                    throw new RpcException(StatusCode.FS_EXIST, "fs " + wanted.getFsName()
                            + " already exists with other parameters");
                }
                if (existing.get().getStatus() == FsStatus.INITED) {
                    return existing.get();
                }
                LOG.info("fs {}: resuming an interrupted create-fs", wanted.getFsName());
            }
            probe.probe(wanted.getS3Info(), wanted.getFsName());
            FsInfo fs = existing.orElseGet(() -> persistNew(wanted));
            List<PartitionInfo> created = partitions.ensureAtCreateFs(fs, partitionsAtCreate);
            partitions.createRootInode(fs, created);
            FsInfo inited = store.mutate(txn -> {
                FsInfo current = txn.get(MdsKeys.fsById(fs.getFsId()), FsInfo.parser())
                        .orElseThrow(() -> new RpcException(StatusCode.NOT_FOUND, "fs " + fs.getFsName() + " vanished"));
                FsInfo done = current.toBuilder().setStatus(FsStatus.INITED).build();
                txn.put(MdsKeys.fsById(fs.getFsId()), done);
                return done;
            });
            LOG.info("fs {} (id {}) created with {} partitions", inited.getFsName(), inited.getFsId(), created.size());
            return inited;
        });
    }

    private FsInfo persistNew(FsInfo wanted) {
        long now = System.currentTimeMillis();
        return store.mutate(txn -> {
            if (txn.getRaw(MdsKeys.fsByName(wanted.getFsName())) != null) {
                throw new RpcException(StatusCode.FS_EXIST, "fs " + wanted.getFsName() + " already exists");
            }
            FsInfo fs = wanted.toBuilder().setFsId(txn.nextId("fs")).setStatus(FsStatus.NEW).setCreateTimeMs(now).build();
            txn.put(MdsKeys.fsById(fs.getFsId()), fs);
            txn.putLong(MdsKeys.fsByName(fs.getFsName()), fs.getFsId());
            return fs;
        });
    }

    public Optional<FsInfo> byName(String name) {
        byte[] id = store.getRaw(MdsKeys.fsByName(name));
        return id == null ? Optional.empty() : byId((int) Records.decodeLong(id));
    }

    public Optional<FsInfo> byId(int fsId) {
        return store.get(MdsKeys.fsById(fsId), FsInfo.parser());
    }

    /** The fs named in a request within a state change, or NOT_FOUND. */
    static FsInfo requireByName(Txn txn, String name) {
        byte[] id = txn.getRaw(MdsKeys.fsByName(name));
        Optional<FsInfo> fs = id == null ? Optional.empty()
                : txn.get(MdsKeys.fsById((int) Records.decodeLong(id)), FsInfo.parser());
        return fs.orElseThrow(() -> notFound(name));
    }

    static RpcException notFound(String name) {
        return new RpcException(StatusCode.NOT_FOUND, "no fs named " + name);
    }

    /** Includes the S3 secret: the client needs it to reach the data. */
    public FsInfo get(GetFsInfoRequest req) {
        return switch (req.getKeyCase()) {
            case FS_ID -> byId(req.getFsId()).orElseThrow(() ->
                    new RpcException(StatusCode.NOT_FOUND, "no fs with id " + req.getFsId()));
            case FS_NAME -> byName(req.getFsName()).orElseThrow(() -> notFound(req.getFsName()));
            case KEY_NOT_SET -> throw new RpcException(StatusCode.INVALID_ARGUMENT, "name an fs by id or name");
        };
    }

    /** Every fs, deleting ones included, with the S3 secret masked: tools print this. */
    public ListFsResponse list() {
        ListFsResponse.Builder out = ListFsResponse.newBuilder().setStatus(Statuses.OK);
        for (FsInfo fs : store.scan(MdsKeys.FS_BY_ID, FsInfo.parser())) {
            FsInfo.Builder b = fs.toBuilder();
            if (fs.hasS3Info()) {
                b.setS3Info(fs.getS3Info().toBuilder().setSk(MASK));
            }
            out.addFsInfos(b);
        }
        return out.build();
    }

    /** Marks the fs DELETING (its name is free at once); refused while it is mounted. */
    public DeleteFsResponse delete(DeleteFsRequest req) {
        String name = req.getFsName();
        return nameLocks.withLock(name, () -> requests.once(req.getHeader(), DeleteFsResponse.parser(), txn -> {
            FsInfo fs = requireByName(txn, name);
            if (fs.getMountpointsCount() > 0) {
                String where = fs.getMountpointsList().stream().map(FsManager::describe).collect(Collectors.joining(", "));
                throw new RpcException(StatusCode.FS_BUSY, "fs " + name + " is mounted at " + where + "; umount it first");
            }
            txn.delete(MdsKeys.fsByName(name));
            txn.put(MdsKeys.fsById(fs.getFsId()), fs.toBuilder().setStatus(FsStatus.DELETING).build());
            LOG.info("fs {} (id {}) marked for deletion", name, fs.getFsId());
            return DeleteFsResponse.newBuilder().setStatus(Statuses.OK).build();
        }));
    }

    static String describe(Mountpoint mp) {
        return mp.getHostname() + ":" + mp.getPath();
    }
}
