package io.curvefs.client.vfs;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.LockChange;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File locks that every mount of the fs sees: fcntl record locks and flocks live at the inode's
 * metaserver ({@link MetaClient#setLock}). This mount remembers which of its lock owners hold locks on
 * which inode, so that the close of a descriptor (which drops the closing process's record locks, as
 * POSIX says) costs a request only when there is something to drop.
 */
final class SharedLocks {
    /** The end of a range that reaches past any length: the kernel's OFFSET_MAX. */
    static final long TO_EOF = Long.MAX_VALUE;

    private final MetaClient meta;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    /** The record-lock owners that took locks through each open file (handle). */
    private final Map<Long, Set<Long>> ownersByHandle = new ConcurrentHashMap<>();

    private record Held(long ino, long owner, boolean flock) {
    }

    SharedLocks(MetaClient meta) {
        this.meta = meta;
    }

    Optional<FileLock> conflicting(long ino, FileLock wanted) {
        return meta.conflictingLock(ino, wanted);
    }

    /** A lock change through the open file {@code fh}; EAGAIN (LOCK_CONFLICT) when another owner's lock is in the way. */
    void change(long fh, long ino, LockChange change, FileLock lock) {
        if (change != LockChange.UNLOCK && !lock.getFlock()) {
            ownersByHandle.computeIfAbsent(fh, k -> ConcurrentHashMap.newKeySet()).add(lock.getOwner());
        }
        change(ino, change, lock);
    }

    private void change(long ino, LockChange change, FileLock lock) {
        Held key = new Held(ino, lock.getOwner(), lock.getFlock());
        if (change != LockChange.UNLOCK) {
            held.add(key);       // before: a close racing with the grant must not skip the unlock
        }
        meta.setLock(ino, change, lock);
        if (change == LockChange.UNLOCK && lock.getStart() == 0 && lock.getEnd() == TO_EOF) {
            held.remove(key);
        }
    }

    /** Whether the owner may hold locks of the kind on the inode. */
    boolean mayHold(long ino, long owner, boolean flock) {
        return held.contains(new Held(ino, owner, flock));
    }

    /**
     * The open file {@code fh} is closed for good: the record locks taken through it go. Those of a
     * process went at its close already (FLUSH); what is left belongs to the open file itself (OFD locks,
     * F_OFD_SETLK), of which the kernel tells a FUSE daemon nothing else.
     */
    void handleClosed(long fh, long ino) {
        Set<Long> owners = ownersByHandle.remove(fh);
        if (owners != null) {
            for (long owner : owners) {
                if (mayHold(ino, owner, false)) {
                    releaseAll(ino, owner, false);
                }
            }
        }
    }

    /** Every lock of the kind the owner holds on the inode goes. */
    void releaseAll(long ino, long owner, boolean flock) {
        change(ino, LockChange.UNLOCK, FileLock.newBuilder().setOwner(owner).setFlock(flock).setStart(0)
                .setEnd(TO_EOF).build());
    }
}
