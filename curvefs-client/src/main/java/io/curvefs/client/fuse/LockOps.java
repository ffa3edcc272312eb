package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.client.vfs.VfsException;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.LockChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * fcntl record locks and flock, shared by every mount (the locks live at the metaserver, see
 * {@link Vfs#lock}). A blocking lock (F_SETLKW, flock without LOCK_NB) that meets another owner's lock
 * does not hold a worker: it waits on this class's own thread, which asks again with a growing pause
 * (a read first, the lock when the way looks free) and answers the kernel once it is granted, or with
 * EINTR when the kernel interrupts the request (the caller got a signal: a timeout of flock -w, ^C,
 * kill), so a waiter is never stuck.
 */
final class LockOps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockOps.class);
    private static final int F_RDLCK = 0;
    private static final int F_WRLCK = 1;
    private static final int F_UNLCK = 2;
    private static final long FIRST_PAUSE_MS = 2;
    private static final long LONGEST_PAUSE_MS = 50;
    /** Bounded: a name notice waits for its directory's lock, which a request waiting for us may hold. */
    private static final long STALE_NAMES_WAIT_MS = 200;
    /** Interrupts remembered for requests not seen yet (a worker may still be decoding them). */
    private static final int EARLY_INTERRUPTS = 256;

    private final Vfs vfs;
    private final Nodes nodes;
    private final Notifier notifier;
    private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();
    private final Set<Long> earlyInterrupts = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > EARLY_INTERRUPTS;
                }
            }));
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuse-lock-wait");
        t.setDaemon(true);
        return t;
    });
    private final Reply waitReply;

    LockOps(Vfs vfs, Nodes nodes, Notifier notifier, FuseDevice device) {
        this.vfs = vfs;
        this.nodes = nodes;
        this.notifier = notifier;
        this.waitReply = new Reply(device, 4096);
    }

    /** struct fuse_lk_in {fh, owner, lk {start, end, type, pid}, lk_flags, padding}. */
    private record Args(long unique, long ino, long fh, long owner, long start, long end, int type, int pid,
                        boolean flock) {
        static Args of(Request q) {
            return new Args(q.unique, q.nodeid, q.u64(0), q.u64(8), q.u64(16), q.u64(24), q.u32(32), q.u32(36),
                    (q.u32(40) & Protocol.LK_FLOCK) != 0);
        }

        FileLock lock() {
            return FileLock.newBuilder().setOwner(owner).setPid(pid).setStart(start).setEnd(end).setFlock(flock)
                    .setWrite(type == F_WRLCK).build();
        }

        LockChange change() {
            return switch (type) {
                case F_RDLCK -> LockChange.READ_LOCK;
                case F_WRLCK -> LockChange.WRITE_LOCK;
                case F_UNLCK -> LockChange.UNLOCK;
                default -> throw new VfsException(Errno.EINVAL, "lock type " + type);
            };
        }
    }

    /** F_GETLK: struct fuse_lk_out {lk}: the conflicting lock, or the asked one with type F_UNLCK. */
    void getlk(Request q, Reply r) {
        Args a = Args.of(q);
        Optional<FileLock> conflict = a.type == F_UNLCK ? Optional.empty() : vfs.conflictingLock(a.fh, a.lock());
        r.start(q.unique);
        if (conflict.isPresent()) {
            FileLock c = conflict.get();
            // a pid means something only on its own host: a lock of another mount shows none
            boolean here = c.getHolder().equals(vfs.clientId());
            r.u64(c.getStart()).u64(c.getEnd()).u32(c.getWrite() ? F_WRLCK : F_RDLCK).u32(here ? c.getPid() : 0);
        } else {
            r.u64(a.start).u64(a.end).u32(F_UNLCK).u32(a.pid);
        }
        r.send();
    }

    /** F_SETLK / F_SETLKW / flock: answered now, or (blocking, in the way) once granted or interrupted. */
    void setlk(Request q, Reply r, boolean block) throws IOException {
        Args a = Args.of(q);
        LockChange change = a.change();
        try {
            grant(a, change, r);
        } catch (RpcException e) {
            if (Errno.of(e) != Errno.EAGAIN) {
                throw e;
            }
            if (a.flock) {
                // Linux converts a flock by dropping the old one first (flock(2)): two holders of a shared
                // flock that both ask for it exclusive must not wait for each other forever
                vfs.unlockOwner(a.fh, a.owner, true);
            }
            if (!block) {
                throw e;
            }
            Waiter w = new Waiter(a, change);
            waiting.put(a.unique, w);
            if (earlyInterrupts.remove(a.unique)) {
                interrupted(a.unique, r);
                return;
            }
            retries.schedule(() -> retry(w), FIRST_PAUSE_MS, TimeUnit.MILLISECONDS);
            return;
        }
        r.ok(q.unique);
    }

    /** struct fuse_interrupt_in {unique}: a waiting lock ends with EINTR; anything else ends by itself. */
    void interrupt(Request q, Reply r) {
        long target = q.u64(0);
        if (!interrupted(target, r)) {
            earlyInterrupts.add(target);
        }
    }

    private boolean interrupted(long unique, Reply r) {
        Waiter w = waiting.get(unique);
        if (w == null) {
            return false;
        }
        synchronized (w) {
            if (w.trying) {
                w.interruptPending = true;   // the try in progress answers
                return true;
            }
            if (waiting.remove(unique) == null) {
                return true;
            }
        }
        r.error(unique, Errno.EINTR);
        return true;
    }

    private void grant(Args a, LockChange change, Reply r) throws IOException {
        Inode fresh = vfs.lock(a.fh, change, a.lock());
        if (fresh == null) {
            return;
        }
        if (nodes.differs(fresh)) {
            // another mount changed the file before this lock was granted: the kernel drops its pages
            r.invalidateInode(a.ino, 0, 0);
            nodes.told(fresh);
        }
        // and names beside it that the previous holder removed (a journal) are forgotten before the grant
        List<CompletableFuture<Void>> notices = new ArrayList<>();
        for (long dir : fresh.getParentList()) {
            try {
                for (String name : vfs.staleNames(dir)) {
                    notices.add(notifier.entryChangedNow(dir, name));
                }
            } catch (RuntimeException e) {
                LOG.debug("names beside inode {} not checked: {}", a.ino, e.toString());
            }
        }
        Notifier.awaitBriefly(notices, STALE_NAMES_WAIT_MS);
    }

    private void retry(Waiter w) {
        synchronized (w) {
            if (!waiting.containsKey(w.args.unique)) {
                return;
            }
            w.trying = true;
        }
        int errno = 0;
        boolean granted = false;
        try {
            if (vfs.conflictingLock(w.args.fh, w.args.lock()).isEmpty()) {
                grant(w.args, w.change, waitReply);
                granted = true;
            }
        } catch (RpcException | VfsException e) {
            if (Errno.of(e) != Errno.EAGAIN) {
                errno = Errno.of(e);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("waiting lock on inode {}: {}", w.args.ino, e.toString());
            errno = Errno.EIO;
        }
        synchronized (w) {
            w.trying = false;
            if (!granted && errno == 0 && !w.interruptPending) {
                w.pauseMs = Math.min(LONGEST_PAUSE_MS, w.pauseMs * 2);
                retries.schedule(() -> retry(w), w.pauseMs, TimeUnit.MILLISECONDS);
                return;
            }
            waiting.remove(w.args.unique);
        }
        if (granted) {
            waitReply.ok(w.args.unique);
        } else {
            waitReply.error(w.args.unique, errno != 0 ? errno : Errno.EINTR);
        }
    }

    private static final class Waiter {
        final Args args;
        final LockChange change;
        long pauseMs = FIRST_PAUSE_MS;
        boolean trying;
        boolean interruptPending;

        Waiter(Args args, LockChange change) {
            this.args = args;
            this.change = change;
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
