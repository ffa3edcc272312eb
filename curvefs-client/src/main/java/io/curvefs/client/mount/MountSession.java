package io.curvefs.client.mount;

import io.curvefs.common.meta.MdsClient;
import io.curvefs.client.vfs.FsUsage;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.MountFsResponse;
import io.curvefs.proto.mds.Mountpoint;
import io.curvefs.proto.mds.RefreshSessionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The mount's session at the MDS: MountFs at start, RefreshSession every lease/3 (so two lost refreshes
 * still keep it), UmountFs at the end. The refresh answer carries the fs's capacity and usage, which is
 * what statfs reports.
 */
public final class MountSession implements FsUsage, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MountSession.class);

    private final MdsClient mds;
    private final String fsName;
    private final Mountpoint mountpoint;
    private final FsInfo fsInfo;
    private final ScheduledExecutorService refresher;
    private volatile long capacity;
    private volatile long usedBytes;
    private volatile long inodeCount;

    private MountSession(MdsClient mds, String fsName, Mountpoint mountpoint, MountFsResponse mounted) {
        this.mds = mds;
        this.fsName = fsName;
        this.mountpoint = mountpoint;
        this.fsInfo = mounted.getFsInfo();
        this.capacity = fsInfo.getCapacity();
        this.usedBytes = fsInfo.getUsedBytes();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-refresh");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, mounted.getLeaseMs() / 3);
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers the mount at the MDS; throws RpcException (unknown fs, unreachable MDS...). When the MDS
     * still holds a session for this host and path while nothing is mounted there, the client that
     * owned it ended without unmounting (kill -9, crash): its session is ended and this one takes its
     * place, instead of refusing the remount until the dead session's lease runs out.
     */
    public static MountSession open(MdsClient mds, String fsName, Mountpoint mountpoint, boolean pathIsMounted) {
        MountFsResponse mounted;
        try {
            mounted = mds.mount(fsName, mountpoint);
        } catch (RpcException e) {
            if (e.code() != StatusCode.MOUNT_POINT_EXIST || pathIsMounted) {
                throw e;
            }
            LOG.warn("fs {}: ending the session of a client that left {} without unmounting", fsName,
                    mountpoint.getPath());
            mds.umount(fsName, mountpoint);
            mounted = mds.mount(fsName, mountpoint);
        }
        return new MountSession(mds, fsName, mountpoint, mounted);
    }

    public FsInfo fsInfo() {
        return fsInfo;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    @Override
    public long usedBytes() {
        return usedBytes;
    }

    @Override
    public long inodeCount() {
        return inodeCount;
    }

    /** A session the MDS dropped (its lease lapsed, e.g. while the MDS group was down) is registered again. */
    private void refresh() {
        try {
            RefreshSessionResponse r = mds.refreshSession(fsName, mountpoint);
            capacity = r.getCapacity();
            usedBytes = r.getUsedBytes();
            inodeCount = r.getInodeCount();
        } catch (RpcException e) {
            if (e.code() == StatusCode.SESSION_EXPIRED) {
                LOG.warn("the MDS expired the session of {} at {}; mounting again", fsName, mountpoint.getPath());
                remount();
                return;
            }
            LOG.warn("refreshing the session of {} at the MDS failed: {} {}", fsName, e.code(), e.getMessage());
        }
    }

    private void remount() {
        try {
            mds.mount(fsName, mountpoint);
        } catch (RpcException e) {
            LOG.warn("registering {} at the MDS again failed: {} {}", fsName, e.code(), e.getMessage());
        }
    }

    /** Ends the session at the MDS (the caller flushes data first). */
    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            mds.umount(fsName, mountpoint);
        } catch (RpcException e) {
            LOG.warn("ending the session of {} at the MDS failed: {} {}", fsName, e.code(), e.getMessage());
        }
    }
}
