package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Clock;
import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.FsUsage;
import io.curvefs.client.vfs.Modes;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.client.vfs.VfsException;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The requests about names and attributes: each is one {@link Vfs} call, its reply, and the lookup
 * counts of the inodes the reply names.
 */
final class NodeOps {
    /** ACLs are not enforced (FUSE_POSIX_ACL is not negotiated): storing them would pretend they were. */
    private static final String ACL_PREFIX = "system.posix_acl_";
    /** How long a lookup waits for a moved directory's old dentry to go (see {@link #rehome}). */
    private static final long MOVED_DIRECTORY_WAIT_MS = 1000;
    private static final long FREE_INODES = 1L << 40;
    private static final int NANOS_PER_SEC = 1_000_000_000;

    private final Vfs vfs;
    private final Nodes nodes;
    private final Timeouts timeouts;
    private final RequestStats stats;
    private final Notifier notifier;
    private final DirectoryUse use;

    NodeOps(Vfs vfs, Nodes nodes, Timeouts timeouts, RequestStats stats, Notifier notifier, DirectoryUse use) {
        this.vfs = vfs;
        this.nodes = nodes;
        this.timeouts = timeouts;
        this.stats = stats;
        this.notifier = notifier;
        this.use = use;
    }

    long entryNanos() {
        return timeouts.entryNanos();
    }

    long attrNanos() {
        return timeouts.attrNanos();
    }

    /** An entry reply for an inode just fetched or changed: the full timeouts. */
    void entry(Request q, Reply r, Inode inode) {
        entry(q, r, inode, 0, 0);
    }

    private void entry(Request q, Reply r, Inode inode, long entryAge, long attrAge) {
        r.start(q.unique).entry(inode, timeouts.entry(entryAge), timeouts.attr(attrAge));
        sendNaming(r, inode);
    }

    /**
     * Sends a reply that names {@code inode}, counted as a lookup first (a FORGET may follow the reply at
     * once); false, and uncounted, when the kernel never got it (the caller was interrupted).
     */
    boolean sendNaming(Reply r, Inode inode) {
        nodes.lookedUp(inode);
        if (r.send() != 0) {
            nodes.forget(inode.getInodeId(), 1);
            return false;
        }
        return true;
    }

    void lookup(Request q, Reply r) {
        String name = q.name(0);
        Inode inode = vfs.lookup(q.nodeid, name);
        if (Modes.isDir(inode.getMode())) {
            inode = rehome(inode, q.nodeid, name);
        }
        entry(q, r, inode, vfs.entryAgeNanos(q.nodeid, name), vfs.attrAgeNanos(inode.getInodeId()));
    }

    /**
     * What a lookup tells the kernel {@code name} in {@code parent} is, when the answer {@code found} is
     * a directory. When the kernel holds it under another parent (another mount moved it), the name is
     * asked of the metaserver first (the cached answer may be the stale one of the two), then its old
     * dentry is invalidated and the lookup waits, boundedly, until this mount stops using the old place
     * (see {@link DirectoryUse}). The notice takes the old parent's lock, so it goes through the notifier
     * (the lock's holder may be waiting for this very reply); a directory whose notice did not go
     * through keeps its old place, so the kernel's retry of an ESTALE tries again.
     */
    private Inode rehome(Inode found, long parent, String name) {
        Inode inode = found;
        Nodes.Place before = placedElsewhere(inode.getInodeId(), parent);
        if (before != null) {
            // a directory has one name: one of the two is stale, maybe the cached answer just given
            vfs.forgetNames(inode.getInodeId());
            inode = vfs.lookupUncached(parent, name);
            if (!Modes.isDir(inode.getMode())) {
                return inode;
            }
            before = placedElsewhere(inode.getInodeId(), parent);
        }
        long dir = inode.getInodeId();
        if (before == null) {
            nodes.placed(dir, parent, name);
            return inode;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MOVED_DIRECTORY_WAIT_MS);
        CompletableFuture<Void> told = notifier.entryChangedNow(before.parent(), before.name());
        Notifier.awaitBriefly(List.of(told), MOVED_DIRECTORY_WAIT_MS);
        use.awaitMovable(dir, before.parent(), deadline);
        if (told.isDone()) {
            nodes.placed(dir, parent, name);
        }
        return inode;
    }

    /**
     * Where the kernel holds directory {@code dir} when that is under another parent than
     * {@code parent}, else null (within one parent the kernel moves a dentry without taking locks).
     */
    Nodes.Place placedElsewhere(long dir, long parent) {
        Nodes.Place before = nodes.placeOf(dir);
        return before == null || before.parent() == parent ? null : before;
    }

    void forget(Request q) {
        forget(q.nodeid, q.u64(0));
    }

    void batchForget(Request q) {
        int count = q.u32(0);
        for (int i = 0; i < count; i++) {
            forget(q.u64(8 + i * 16), q.u64(16 + i * 16));
        }
    }

    private void forget(long ino, long count) {
        if (nodes.forget(ino, count)) {
            vfs.forget(ino);
        }
    }

    void getattr(Request q, Reply r) {
        boolean byHandle = (q.u32(0) & Protocol.GETATTR_FH) != 0;
        Inode inode = byHandle ? vfs.fgetattr(q.u64(8)) : stillThere(q.nodeid);
        attr(q, r, inode, vfs.attrAgeNanos(inode.getInodeId()));
    }

    /**
     * The inode the kernel asks for by nodeid; ESTALE once it is gone for good (another mount deleted
     * it and the trash reclaimed it), which makes a path lookup retry from the name.
     */
    private Inode stillThere(long ino) {
        try {
            return vfs.getattr(ino);
        } catch (RpcException e) {
            if (e.code() == StatusCode.INODE_NOT_FOUND) {
                vfs.forgetNames(ino);
                throw new VfsException(Errno.ESTALE, "inode " + ino + " is gone");
            }
            throw e;
        }
    }

    private void attr(Request q, Reply r, Inode inode, long age) {
        nodes.told(inode);
        r.start(q.unique).attr(inode, timeouts.attr(age)).send();
    }

    /** struct fuse_setattr_in: every valid bit, in one vfs call. */
    void setattr(Request q, Reply r) throws IOException {
        int valid = q.u32(0);
        Time now = Clock.now();
        Time atime = (valid & Protocol.FATTR_ATIME_NOW) != 0 ? now
                : (valid & Protocol.FATTR_ATIME) != 0 ? time(q.u64(32), q.u32(56)) : null;
        boolean mtimeNow = (valid & Protocol.FATTR_MTIME_NOW) != 0;
        Time mtime = mtimeNow ? now : (valid & Protocol.FATTR_MTIME) != 0 ? time(q.u64(40), q.u32(60)) : null;
        Time ctime = (valid & Protocol.FATTR_CTIME) != 0 ? time(q.u64(48), q.u32(64)) : null;
        Vfs.AttrChange change = new Vfs.AttrChange(
                (valid & Protocol.FATTR_MODE) != 0 ? q.u32(68) : null,
                (valid & Protocol.FATTR_UID) != 0 ? Integer.toUnsignedLong(q.u32(76)) : null,
                (valid & Protocol.FATTR_GID) != 0 ? Integer.toUnsignedLong(q.u32(80)) : null,
                (valid & Protocol.FATTR_SIZE) != 0 ? q.u64(16) : null,
                atime, mtime, mtimeNow, ctime, (valid & Protocol.FATTR_KILL_SUIDGID) != 0);
        long fh = (valid & Protocol.FATTR_FH) != 0 ? q.u64(8) : 0;
        attr(q, r, vfs.setattr(q.nodeid, fh, change), 0);
    }

    private static Time time(long sec, int nsec) {
        return Time.newBuilder().setSec(sec).setNsec(Math.min(nsec, NANOS_PER_SEC - 1)).build();
    }

    void readlink(Request q, Reply r) {
        r.start(q.unique).bytes(vfs.readlink(q.nodeid).getBytes(StandardCharsets.UTF_8)).send();
    }

    /** struct fuse_mknod_in {mode, rdev, umask, padding}, then the name. */
    void mknod(Request q, Reply r) {
        entry(q, r, vfs.mknod(q.caller(q.u32(8)), q.nodeid, q.name(16), q.u32(0), Integer.toUnsignedLong(q.u32(4))));
    }

    /** struct fuse_mkdir_in {mode, umask}, then the name. */
    void mkdir(Request q, Reply r) {
        String name = q.name(8);
        Inode dir = vfs.mkdir(q.caller(q.u32(4)), q.nodeid, name, q.u32(0));
        nodes.placed(dir.getInodeId(), q.nodeid, name);
        entry(q, r, dir);
    }

    /** The link's name, then its target. */
    void symlink(Request q, Reply r) {
        String name = q.name(0);
        String target = q.string(q.end(0) + 1);
        entry(q, r, vfs.symlink(q.caller(0), q.nodeid, name, target));
    }

    /** struct fuse_link_in {oldnodeid}, then the new name in directory nodeid. */
    void link(Request q, Reply r) {
        entry(q, r, vfs.link(q.u64(0), q.nodeid, q.name(8)));
    }

    void unlink(Request q, Reply r) {
        vfs.unlink(q.caller(0), q.nodeid, q.name(0));
        r.ok(q.unique);
    }

    void rmdir(Request q, Reply r) {
        vfs.rmdir(q.caller(0), q.nodeid, q.name(0));
        r.ok(q.unique);
    }

    /** RENAME: {newdir}, old name, new name; RENAME2: {newdir, flags, padding}, old name, new name. */
    void rename(Request q, Reply r, boolean withFlags) {
        int at = withFlags ? 16 : 8;
        int flags = withFlags ? q.u32(8) : 0;
        if ((flags & (Protocol.RENAME_EXCHANGE | Protocol.RENAME_WHITEOUT)) != 0) {
            throw new VfsException(Errno.EINVAL, "rename flags " + flags + " (exchange, whiteout) are not supported");
        }
        String from = q.name(at);
        String to = q.name(q.end(at) + 1);
        vfs.rename(q.caller(0), q.nodeid, from, q.u64(0), to, (flags & Protocol.RENAME_NOREPLACE) != 0);
        Long moved = vfs.cachedIno(q.u64(0), to);
        if (moved != null) {
            nodes.moved(moved, q.u64(0), to);
        }
        r.ok(q.unique);
    }

    /** struct fuse_kstatfs. */
    void statfs(Request q, Reply r) {
        FsUsage usage = vfs.usage();
        long used = usage.usedBytes();
        // an fs without a capacity limit reports 1 PiB free beyond what it uses, as "unlimited"
        long total = usage.capacityBytes() > 0 ? Math.max(usage.capacityBytes(), used) : used + (1L << 50);
        long block = Attrs.BLOCK_SIZE;
        long free = (total - used) / block;
        // ids are plentiful (the MDS adds partitions on demand): a large pool beyond those in use
        r.start(q.unique).u64(total / block).u64(free).u64(free)
                .u64(usage.inodeCount() + FREE_INODES).u64(FREE_INODES)
                .u32((int) block).u32(Request.NAME_MAX).u32((int) block).u32(0).zeros(24).send();
    }

    /** struct fuse_setxattr_in {size, flags}, the name, the value. */
    void setxattr(Request q, Reply r) {
        int size = q.u32(0);
        String name = q.string(8);
        if (name.startsWith(ACL_PREFIX)) {
            throw new VfsException(Errno.EOPNOTSUPP, "POSIX ACLs are not supported");
        }
        vfs.setxattr(q.nodeid, name, q.bytes(q.end(8) + 1, size), q.u32(4));
        r.ok(q.unique);
    }

    /**
     * struct fuse_getxattr_in {size, padding}, the name; size 0 asks how big the value is. The root
     * answers {@link RequestStats#XATTR} (never listed) with this mount's request counts.
     */
    void getxattr(Request q, Reply r) {
        String name = q.string(8);
        if (q.nodeid == Vfs.ROOT && name.equals(RequestStats.XATTR)) {
            sized(q, r, stats.text().getBytes(StandardCharsets.UTF_8));
            return;
        }
        sized(q, r, vfs.getxattr(q.nodeid, name));
    }

    void listxattr(Request q, Reply r) {
        StringBuilder names = new StringBuilder();
        for (String n : vfs.listxattr(q.nodeid)) {
            names.append(n).append('\0');
        }
        sized(q, r, names.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sized(Request q, Reply r, byte[] value) {
        int size = q.u32(0);
        if (size == 0) {
            r.start(q.unique).u32(value.length).u32(0).send();
        } else if (size < value.length) {
            throw new VfsException(Errno.ERANGE, "buffer of " + size + " bytes for " + value.length);
        } else {
            r.start(q.unique).bytes(value).send();
        }
    }

    void removexattr(Request q, Reply r) {
        vfs.removexattr(q.nodeid, q.string(0));
        r.ok(q.unique);
    }

    /** struct fuse_access_in {mask, padding}. */
    void access(Request q, Reply r) {
        vfs.access(q.caller(0), q.nodeid, q.u32(0));
        r.ok(q.unique);
    }
}
