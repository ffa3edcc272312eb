package io.curvefs.metaserver.lock;

import io.curvefs.proto.metaserver.FileLock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LockTableTest {
    private static final long EOF = Long.MAX_VALUE;

    private static FileLock lock(String holder, long owner, boolean write, long start, long end) {
        return FileLock.newBuilder().setHolder(holder).setOwner(owner).setWrite(write).setStart(start).setEnd(end)
                .build();
    }

    private static FileLock flock(String holder, long owner, boolean write) {
        return lock(holder, owner, write, 0, EOF).toBuilder().setFlock(true).build();
    }

    @Test
    void readLocksShareAndWriteLocksExclude() {
        List<FileLock> locks = LockTable.lock(List.of(), lock("a", 1, false, 0, 99));
        assertTrue(LockTable.conflict(locks, lock("b", 1, false, 50, 60)).isEmpty(), "two readers");
        assertEquals(lock("a", 1, false, 0, 99), LockTable.conflict(locks, lock("b", 1, true, 50, 60)).orElseThrow());
        assertTrue(LockTable.conflict(locks, lock("b", 1, true, 100, EOF)).isEmpty(), "past the range");
        assertTrue(LockTable.conflict(locks, lock("a", 1, true, 0, EOF)).isEmpty(), "an owner never conflicts with itself");
        assertFalse(LockTable.conflict(locks, lock("a", 2, true, 99, 99)).isEmpty(),
                "another owner of the same mount conflicts");
    }

    @Test
    void flocksAndRecordLocksNeverMeet() {
        List<FileLock> locks = LockTable.lock(List.of(), lock("a", 1, true, 0, EOF));
        assertTrue(LockTable.conflict(locks, flock("b", 2, true)).isEmpty());
        locks = LockTable.lock(locks, flock("b", 2, true));
        assertFalse(LockTable.conflict(locks, flock("c", 3, false)).isEmpty());
        assertEquals(1, LockTable.unlock(locks, flock("b", 2, false)).size(), "the record lock stays");
    }

    @Test
    void unlockInTheMiddleSplitsAndRelockMerges() {
        List<FileLock> locks = LockTable.lock(List.of(), lock("a", 1, true, 0, 99));
        locks = LockTable.unlock(locks, lock("a", 1, false, 40, 59));
        assertEquals(List.of(lock("a", 1, true, 0, 39), lock("a", 1, true, 60, 99)), locks);
        assertTrue(LockTable.conflict(locks, lock("b", 1, true, 40, 59)).isEmpty());
        locks = LockTable.lock(locks, lock("a", 1, true, 40, 59));
        assertEquals(List.of(lock("a", 1, true, 0, 99)), locks, "adjacent locks of one mode merge");
    }

    @Test
    void aNewModeReplacesTheOwnersLocksOverItsRange() {
        List<FileLock> locks = LockTable.lock(List.of(), lock("a", 1, true, 0, EOF));
        locks = LockTable.lock(locks, lock("a", 1, false, 10, 19));
        assertEquals(List.of(lock("a", 1, true, 0, 9), lock("a", 1, false, 10, 19), lock("a", 1, true, 20, EOF)),
                locks);
        assertTrue(LockTable.conflict(locks, lock("b", 1, false, 10, 19)).isEmpty(), "downgraded part is shared");
        assertFalse(LockTable.conflict(locks, lock("b", 1, false, 20, 20)).isEmpty());
    }

    @Test
    void releasingAHolderDropsOnlyItsLocks() {
        List<FileLock> locks = LockTable.lock(List.of(), lock("a", 1, false, 0, 9));
        locks = LockTable.lock(locks, lock("b", 7, false, 0, 9));
        locks = LockTable.lock(locks, flock("a", 2, true));
        assertEquals(List.of(lock("b", 7, false, 0, 9)), LockTable.releaseHolder(locks, "a"));
        assertEquals(List.of(), LockTable.unlock(LockTable.releaseHolder(locks, "a"), lock("b", 7, false, 0, EOF)));
    }
}
