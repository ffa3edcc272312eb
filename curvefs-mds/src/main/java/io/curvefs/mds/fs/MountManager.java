package io.curvefs.mds.fs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.partition.PartitionManager;
import io.curvefs.mds.state.MdsKeys;
import io.curvefs.mds.state.MdsStore;
import io.curvefs.mds.state.RequestLog;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.FsStatus;
import io.curvefs.proto.mds.MountFsRequest;
import io.curvefs.proto.mds.MountFsResponse;
import io.curvefs.proto.mds.Mountpoint;
import io.curvefs.proto.mds.RefreshSessionRequest;
import io.curvefs.proto.mds.RefreshSessionResponse;
import io.curvefs.proto.mds.UmountFsRequest;
import io.curvefs.proto.mds.UmountFsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The mount registry: mountpoints are persisted in their FsInfo; each holds a session lease that its
 * client refreshes, and a mount whose lease lapses is unmounted by the leader.
 */
public final class MountManager {
    private static final Logger LOG = LoggerFactory.getLogger(MountManager.class);

    private final MdsStore store;
    private final RequestLog requests;
    private final FsManager filesystems;
    private final PartitionManager partitions;
    private final long leaseMs;
    private final SessionTable sessions = new SessionTable();

    public MountManager(MdsStore store, RequestLog requests, FsManager filesystems, PartitionManager partitions,
                        long leaseMs) {
        this.store = store;
        this.requests = requests;
        this.filesystems = filesystems;
        this.partitions = partitions;
        this.leaseMs = leaseMs;
    }

    /** Rebuilds the session clocks when this replica starts serving. */
    public void servingStarted() {
        sessions.resetAll(store.scan(MdsKeys.FS_BY_ID, FsInfo.parser()), System.currentTimeMillis());
    }

    public MountFsResponse mount(MountFsRequest req) {
        Mountpoint mp = req.getMountpoint();
        if (mp.getHostname().isBlank() || mp.getPath().isBlank()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "a mountpoint needs a hostname and a path");
        }
        MountFsResponse response = requests.once(req.getHeader(), MountFsResponse.parser(), txn -> {
            FsInfo fs = FsManager.requireByName(txn, req.getFsName());
            if (fs.getStatus() == FsStatus.NEW) {
                throw new RpcException(StatusCode.FS_NOT_INITED, "fs " + fs.getFsName()
                        + " is not fully created; repeat its create-fs");
            }
            if (fs.getStatus() == FsStatus.DELETING) {
                throw new RpcException(StatusCode.FS_UNDER_DELETING, "fs " + fs.getFsName() + " is being deleted");
            }
            for (Mountpoint m : fs.getMountpointsList()) {
                if (sameMount(m, mp)) {
                    throw new RpcException(StatusCode.MOUNT_POINT_EXIST, "fs " + fs.getFsName()
                            + " is already mounted at " + FsManager.describe(mp));
                }
                if (m.getCto() != mp.getCto()) {
                    throw new RpcException(StatusCode.MOUNT_POINT_CONFLICT, "fs " + fs.getFsName() + " is mounted at "
                            + FsManager.describe(m) + " with cto=" + m.getCto() + "; all mounts must agree");
                }
            }
            FsInfo updated = fs.toBuilder().addMountpoints(mp).build();
            txn.put(MdsKeys.fsById(fs.getFsId()), updated);
            return MountFsResponse.newBuilder().setStatus(Statuses.OK).setFsInfo(updated).setLeaseMs(leaseMs).build();
        });
        sessions.refresh(SessionTable.Key.of(response.getFsInfo().getFsId(), mp), System.currentTimeMillis());
        LOG.info("fs {} mounted at {}", req.getFsName(), FsManager.describe(mp));
        return response;
    }

    public UmountFsResponse umount(UmountFsRequest req) {
        Mountpoint mp = req.getMountpoint();
        UmountFsResponse response = requests.once(req.getHeader(), UmountFsResponse.parser(), txn -> {
            FsInfo fs = FsManager.requireByName(txn, req.getFsName());
            FsInfo updated = without(fs, mp);
            if (updated == null) {
                throw new RpcException(StatusCode.MOUNT_POINT_NOT_EXIST, "fs " + fs.getFsName() + " is not mounted at "
                        + FsManager.describe(mp));
            }
            txn.put(MdsKeys.fsById(fs.getFsId()), updated);
            return UmountFsResponse.newBuilder().setStatus(Statuses.OK).build();
        });
        filesystems.byName(req.getFsName()).ifPresent(fs -> sessions.remove(SessionTable.Key.of(fs.getFsId(), mp)));
        LOG.info("fs {} unmounted from {}", req.getFsName(), FsManager.describe(mp));
        return response;
    }

    /**
     * Extends the mount's lease. A mountpoint that is no longer registered (its lease lapsed) is not
     * re-added silently: SESSION_EXPIRED tells the client to mount again.
     */
    public RefreshSessionResponse refresh(RefreshSessionRequest req) {
        FsInfo fs = filesystems.byName(req.getFsName()).orElseThrow(() -> FsManager.notFound(req.getFsName()));
        Mountpoint mp = req.getMountpoint();
        if (fs.getMountpointsList().stream().noneMatch(m -> sameMount(m, mp))) {
            throw new RpcException(StatusCode.SESSION_EXPIRED, "fs " + fs.getFsName() + " has no mount at "
                    + FsManager.describe(mp) + " (its session lapsed); mount again");
        }
        sessions.refresh(SessionTable.Key.of(fs.getFsId(), mp), System.currentTimeMillis());
        return RefreshSessionResponse.newBuilder().setStatus(Statuses.OK).setCapacity(fs.getCapacity())
                .setUsedBytes(partitions.usedBytes(fs.getFsId())).setInodeCount(partitions.inodeCount(fs.getFsId()))
                .build();
    }

    /** Unmounts every mount whose lease lapsed; run periodically on the leader. */
    public void expireSessions() {
        long now = System.currentTimeMillis();
        for (SessionTable.Key key : sessions.expired(now, leaseMs)) {
            boolean removed = store.mutate(txn -> {
                if (!sessions.isExpired(key, now, leaseMs)) {
                    return false; // refreshed meanwhile
                }
                FsInfo fs = txn.get(MdsKeys.fsById(key.fsId()), FsInfo.parser()).orElse(null);
                Mountpoint mp = Mountpoint.newBuilder().setHostname(key.hostname()).setPath(key.path()).build();
                FsInfo updated = fs == null ? null : without(fs, mp);
                if (updated != null) {
                    txn.put(MdsKeys.fsById(fs.getFsId()), updated);
                }
                return updated != null;
            });
            if (sessions.isExpired(key, now, leaseMs)) {
                sessions.remove(key);
            }
            if (removed) {
                LOG.info("fs id {}: unmounted {}:{} whose session lapsed ({} ms without refresh)",
                        key.fsId(), key.hostname(), key.path(), leaseMs);
            }
        }
    }

    private static boolean sameMount(Mountpoint a, Mountpoint b) {
        return a.getHostname().equals(b.getHostname()) && a.getPath().equals(b.getPath());
    }

    /** {@code fs} without the mountpoint, or null when it is not mounted there. */
    private static FsInfo without(FsInfo fs, Mountpoint mp) {
        List<Mountpoint> kept = new ArrayList<>();
        for (Mountpoint m : fs.getMountpointsList()) {
            if (!sameMount(m, mp)) {
                kept.add(m);
            }
        }
        if (kept.size() == fs.getMountpointsCount()) {
            return null;
        }
        return fs.toBuilder().clearMountpoints().addAllMountpoints(kept).build();
    }
}
