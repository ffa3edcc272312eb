package io.curvefs.client.vfs;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.LockChange;

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

    private record Held(long ino, long owner, boolean flock) {
    }

    SharedLocks(MetaClient meta) {
        this.meta = meta;
    }

    Optional<FileLock> conflicting(long ino, FileLock wanted) {
        return meta.conflictingLock(ino, wanted);
    }

    /** EAGAIN (LOCK_CONFLICT) when another owner's lock is in the way; nothing changed then. */
    void change(long ino, LockChange change, FileLock lock) {
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

    /** Every lock of the kind the owner holds on the inode goes. */
    void releaseAll(long ino, long owner, boolean flock) {
        change(ino, LockChange.UNLOCK, FileLock.newBuilder().setOwner(owner).setFlock(flock).setStart(0)
                .setEnd(TO_EOF).build());
    }
}
