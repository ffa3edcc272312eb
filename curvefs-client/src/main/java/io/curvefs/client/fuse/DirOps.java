package io.curvefs.client.fuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.Modes;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.client.vfs.VfsException;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Directory handles and listings. A handle holds the listing read at offset 0 (opendir, rewinddir);
 * the offsets the kernel pages with are indexes into it ("." and ".." first). readdirplus hands the
 * kernel each entry's attributes too, counted as a lookup of it. A listing is compared with the one
 * before it: a name that vanished or now names another inode was changed by another mount, and the
 * kernel is told to forget it rather than serve it until its entry timeout.
 */
final class DirOps {
    private static final int DT_UNKNOWN = 0;
    private static final int DT_DIR = 4;
    private static final int DT_REG = 8;
    private static final int DT_LNK = 10;
    private static final long MAX_REMEMBERED_DIRS = 4096;

    /** {@code entries} null until the first readdir of the handle reads them. */
    private record Listing(long dir, long parent, List<Dentry> entries) {
    }

    private final Vfs vfs;
    private final Nodes nodes;
    private final NodeOps entries;
    private final Notifier notifier;
    private final DirectoryUse use;
    private final AtomicLong nextFh = new AtomicLong(1);
    private final Map<Long, Listing> handles = new ConcurrentHashMap<>();
    /** Per directory, the names this mount listed last and what they named. */
    private final Cache<Long, Map<String, Long>> lastListed =
            Caffeine.newBuilder().maximumSize(MAX_REMEMBERED_DIRS).build();

    DirOps(Vfs vfs, Nodes nodes, NodeOps entries, Notifier notifier, DirectoryUse use) {
        this.vfs = vfs;
        this.nodes = nodes;
        this.entries = entries;
        this.notifier = notifier;
        this.use = use;
    }

    void opendir(Request q, Reply r) {
        Inode dir = vfs.getattr(q.nodeid);
        if (!Modes.isDir(dir.getMode())) {
            throw new VfsException(Errno.ENOTDIR, "inode " + q.nodeid + " is not a directory");
        }
        long fh = nextFh.getAndIncrement();
        long parent = dir.getParentCount() > 0 ? dir.getParent(0) : q.nodeid;
        handles.put(fh, new Listing(q.nodeid, parent, null));
        use.opened(q.nodeid);
        if (r.start(q.unique).open(fh, 0).send() != 0) {
            // interrupted: the kernel never got the handle, so no RELEASEDIR will come
            handles.remove(fh);
            use.released(q.nodeid);
        }
    }

    void releasedir(Request q, Reply r) {
        Listing gone = handles.remove(q.u64(0));
        if (gone != null) {
            use.released(gone.dir());
        }
        r.ok(q.unique);
    }

    /** struct fuse_read_in {fh, offset, size, ...}: dirents from the offset on, as many as fit. */
    void readdir(Request q, Reply r, boolean plus) {
        long fh = q.u64(0);
        long offset = q.u64(8);
        int size = q.u32(16);
        Listing listing = handles.get(fh);
        if (listing == null) {
            throw new VfsException(Errno.EBADF, "no open directory with handle " + fh);
        }
        if (offset == 0 || listing.entries() == null) {
            listing = new Listing(listing.dir(), listing.parent(), vfs.readdir(listing.dir()));
            handles.put(fh, listing);
            compareWithLast(listing);
        }
        r.start(q.unique);
        int limit = Protocol.OUT_HEADER + Math.min(size, r.capacity() - Protocol.OUT_HEADER);
        long total = listing.entries().size() + 2L;
        List<Inode> named = new ArrayList<>();
        for (long i = offset; i < total; i++) {
            String name = i == 0 ? "." : i == 1 ? ".." : listing.entries().get((int) (i - 2)).getName();
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            int need = (plus ? Protocol.ENTRY_OUT : 0) + align8(Protocol.DIRENT + bytes.length);
            if (r.position() + need > limit) {
                break;
            }
            if (i < 2) {
                // the kernel caches no entry for . and ..: no attributes, no lookup
                if (plus) {
                    r.noEntry();
                }
                dirent(r, i == 0 ? listing.dir() : listing.parent(), i + 1, DT_DIR, bytes);
                continue;
            }
            Dentry d = listing.entries().get((int) (i - 2));
            Inode inode = plus ? attributes(d) : null;
            if (plus) {
                if (inode != null && movedHere(inode, listing.dir(), d.getName())) {
                    // a lookup moves the kernel's dentry, when this mount is done with the old place
                    r.noEntry();
                } else if (inode != null) {
                    nodes.lookedUp(inode);
                    named.add(inode);
                    r.entry(inode, entries.entryNanos(), entries.attrNanos());
                } else {
                    r.noEntry();
                }
            }
            dirent(r, d.getInodeId(), i + 1, inode != null ? typeOf(inode.getMode()) : typeOf(d.getType()), bytes);
        }
        if (r.send() != 0) {
            named.forEach(inode -> nodes.forget(inode.getInodeId(), 1));
        }
    }

    /**
     * Whether {@code inode} is a directory the kernel holds under another parent (another mount moved
     * it here): its old dentry is invalidated, and the listing names it without an entry. A directory
     * not moved is noted as placed here.
     */
    private boolean movedHere(Inode inode, long dir, String name) {
        if (!Modes.isDir(inode.getMode())) {
            return false;
        }
        Nodes.Place before = entries.placedElsewhere(inode.getInodeId(), dir);
        if (before != null) {
            notifier.entryChanged(before.parent(), before.name());
            return true;
        }
        nodes.placed(inode.getInodeId(), dir, name);
        return false;
    }

    /** The entry's attributes (cached by the listing), or null when it went away meanwhile. */
    private Inode attributes(Dentry d) {
        try {
            return vfs.getattr(d.getInodeId());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void dirent(Reply r, long ino, long nextOffset, int type, byte[] name) {
        r.u64(ino).u64(nextOffset).u32(name.length).u32(type).bytes(name);
        r.zeros(align8(Protocol.DIRENT + name.length) - Protocol.DIRENT - name.length);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static int typeOf(int mode) {
        return (mode & Modes.S_IFMT) >> 12;
    }

    /** Fifos, sockets and devices share one stored type; readdir says "unknown" and callers stat them. */
    private static int typeOf(FsFileType type) {
        return switch (type) {
            case TYPE_DIRECTORY -> DT_DIR;
            case TYPE_SYM_LINK -> DT_LNK;
            case TYPE_S3 -> DT_REG;
            default -> DT_UNKNOWN;
        };
    }

    private void compareWithLast(Listing listing) {
        Map<String, Long> now = new HashMap<>(listing.entries().size() * 2);
        for (Dentry d : listing.entries()) {
            now.put(d.getName(), d.getInodeId());
        }
        Map<String, Long> before = lastListed.getIfPresent(listing.dir());
        lastListed.put(listing.dir(), now);
        if (before == null) {
            return;
        }
        before.forEach((name, ino) -> {
            // not a "delete" notice: the inode may live on under another name (a rename elsewhere)
            if (!ino.equals(now.get(name))) {
                notifier.entryChanged(listing.dir(), name);
            }
        });
    }

    void fsyncdir(Request q, Reply r) {
        // every change of a directory is durable (a raft commit) before its reply
        r.ok(q.unique);
    }
}
