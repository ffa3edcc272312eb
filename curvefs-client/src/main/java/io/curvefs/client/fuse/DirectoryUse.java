package io.curvefs.client.fuse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What of its directories the kernel is using right now, as far as the requests show: requests in flight
 * that name a directory (the kernel holds its dentry, and its lock when the request changes it), open
 * directory handles, and renames across directories (the kernel holds its rename mutex). The kernel moves
 * a directory's dentry to the name another mount gave it only when no rename runs across directories,
 * the old parent is not locked for a change, and nobody holds the old dentry (nor one below it: a
 * dentry pins its parents); otherwise the lookup that names the new place fails with ESTALE
 * (fs/dcache.c, __d_unalias). So such a lookup waits, boundedly, until this mount is done with the old
 * place.
 */
final class DirectoryUse {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Per nodeid: requests naming it in flight, plus its open directory handles. */
    private final Map<Long, AtomicInteger> users = new ConcurrentHashMap<>();
    /** Per nodeid: requests in flight that lock it to change it. */
    private final Map<Long, AtomicInteger> changers = new ConcurrentHashMap<>();
    private final AtomicInteger renamesAcross = new AtomicInteger();
    private final Nodes nodes;

    DirectoryUse(Nodes nodes) {
        this.nodes = nodes;
    }

    void begin(Request q) {
        if (!names(q.opcode)) {
            return;
        }
        add(users, q.nodeid, 1);
        if (changes(q.opcode)) {
            add(changers, q.nodeid, 1);
            if (isRename(q.opcode) && q.u64(0) != q.nodeid) {
                add(changers, q.u64(0), 1);
                renamesAcross.incrementAndGet();
            }
        }
    }

    void end(Request q) {
        if (!names(q.opcode)) {
            return;
        }
        add(users, q.nodeid, -1);
        if (changes(q.opcode)) {
            add(changers, q.nodeid, -1);
            if (isRename(q.opcode) && q.u64(0) != q.nodeid) {
                add(changers, q.u64(0), -1);
                renamesAcross.decrementAndGet();
            }
        }
    }

    void opened(long dir) {
        add(users, dir, 1);
    }

    void released(long dir) {
        add(users, dir, -1);
    }

    /**
     * Waits until {@code deadline} (System.nanoTime) at most for directory {@code dir}, which the
     * kernel holds under {@code oldParent}, to be movable by a lookup: true when it is, as far as this
     * mount shows.
     */
    boolean awaitMovable(long dir, long oldParent, long deadline) {
        boolean waited = false;
        while (!movable(dir, oldParent)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            waited = true;
            LockSupport.parkNanos(POLL_NANOS);
        }
        if (waited) {
            // the kernel drops its locks and references just after the replies that ended those uses
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    private boolean movable(long dir, long oldParent) {
        if (renamesAcross.get() != 0 || count(changers, oldParent) != 0) {
            return false;
        }
        for (long used : users.keySet()) {
            if (used == dir || nodes.below(used, dir)) {
                return false;
            }
        }
        return true;
    }

    private static int count(Map<Long, AtomicInteger> counts, long node) {
        AtomicInteger n = counts.get(node);
        return n == null ? 0 : n.get();
    }

    private static void add(Map<Long, AtomicInteger> counts, long node, int delta) {
        counts.compute(node, (id, n) -> {
            AtomicInteger c = n != null ? n : new AtomicInteger();
            return c.addAndGet(delta) == 0 ? null : c;
        });
    }

    /** Requests that may name a directory; file data and forgets do not. */
    private static boolean names(int opcode) {
        return switch (opcode) {
            case Protocol.FORGET, Protocol.BATCH_FORGET, Protocol.INTERRUPT, Protocol.READ, Protocol.WRITE,
                 Protocol.FLUSH, Protocol.RELEASE, Protocol.FSYNC, Protocol.FALLOCATE, Protocol.GETLK,
                 Protocol.SETLK, Protocol.SETLKW, Protocol.DESTROY -> false;
            default -> true;
        };
    }

    /** Requests the kernel sends holding the named inode's lock exclusively. */
    private static boolean changes(int opcode) {
        return switch (opcode) {
            case Protocol.SETATTR, Protocol.SYMLINK, Protocol.MKNOD, Protocol.MKDIR, Protocol.UNLINK,
                 Protocol.RMDIR, Protocol.RENAME, Protocol.RENAME2, Protocol.LINK, Protocol.SETXATTR,
                 Protocol.REMOVEXATTR, Protocol.CREATE -> true;
            default -> false;
        };
    }

    private static boolean isRename(int opcode) {
        return opcode == Protocol.RENAME || opcode == Protocol.RENAME2;
    }
}
