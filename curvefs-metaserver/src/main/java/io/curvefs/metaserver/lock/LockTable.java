package io.curvefs.metaserver.lock;

import io.curvefs.proto.metaserver.FileLock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The locks of one inode and the rules of fcntl(2) and flock(2) over them, as every replica applies
 * them alike. A lock belongs to one owner (mount session and the kernel's lock owner in it); the two
 * kinds (record locks, flocks) never meet. An owner's new lock replaces its own locks of the kind over
 * the range, splitting them where it covers only part, and merges with its adjacent or overlapping
 * locks of the same mode, so unlocking any sub-range later works as POSIX says. Ranges are inclusive
 * and compare unsigned (clients say "to the end of the file" with the kernel's OFFSET_MAX, 2^63-1).
 */
final class LockTable {
    private LockTable() {
    }

    /** The first lock of another owner of the kind that {@code wanted} would conflict with. */
    static Optional<FileLock> conflict(List<FileLock> locks, FileLock wanted) {
        for (FileLock l : locks) {
            if (l.getFlock() == wanted.getFlock() && !sameOwner(l, wanted) && overlaps(l, wanted)
                    && (l.getWrite() || wanted.getWrite())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** {@code wanted} granted: the caller checked that nothing {@link #conflict}s. */
    static List<FileLock> lock(List<FileLock> locks, FileLock wanted) {
        List<FileLock> out = unlock(locks, wanted);
        FileLock merged = wanted;
        List<FileLock> kept = new ArrayList<>();
        for (FileLock l : out) {
            if (sameOwner(l, wanted) && l.getFlock() == wanted.getFlock() && l.getWrite() == wanted.getWrite()
                    && touches(l, merged)) {
                merged = merged.toBuilder()
                        .setStart(Long.compareUnsigned(l.getStart(), merged.getStart()) < 0 ? l.getStart() : merged.getStart())
                        .setEnd(Long.compareUnsigned(l.getEnd(), merged.getEnd()) > 0 ? l.getEnd() : merged.getEnd())
                        .build();
            } else {
                kept.add(l);
            }
        }
        kept.add(merged);
        kept.sort(ORDER);
        return kept;
    }

    /** The owner of {@code range} loses its locks of the kind over the range; the parts outside stay. */
    static List<FileLock> unlock(List<FileLock> locks, FileLock range) {
        List<FileLock> out = new ArrayList<>();
        for (FileLock l : locks) {
            if (!sameOwner(l, range) || l.getFlock() != range.getFlock() || !overlaps(l, range)) {
                out.add(l);
                continue;
            }
            if (Long.compareUnsigned(l.getStart(), range.getStart()) < 0) {
                out.add(l.toBuilder().setEnd(range.getStart() - 1).build());
            }
            if (Long.compareUnsigned(l.getEnd(), range.getEnd()) > 0) {
                out.add(l.toBuilder().setStart(range.getEnd() + 1).build());
            }
        }
        return out;
    }

    /** Every lock of the mount session goes. */
    static List<FileLock> releaseHolder(List<FileLock> locks, String holder) {
        return locks.stream().filter(l -> !l.getHolder().equals(holder)).toList();
    }

    private static boolean sameOwner(FileLock a, FileLock b) {
        return a.getOwner() == b.getOwner() && a.getHolder().equals(b.getHolder());
    }

    private static boolean overlaps(FileLock a, FileLock b) {
        return Long.compareUnsigned(a.getStart(), b.getEnd()) <= 0 && Long.compareUnsigned(b.getStart(), a.getEnd()) <= 0;
    }

    /** Overlapping or adjacent (one ends right before the other starts). */
    private static boolean touches(FileLock a, FileLock b) {
        return overlaps(a, b) || (a.getEnd() != -1L && a.getEnd() + 1 == b.getStart())
                || (b.getEnd() != -1L && b.getEnd() + 1 == a.getStart());
    }

    private static final Comparator<FileLock> ORDER = Comparator.comparing(FileLock::getHolder)
            .thenComparing(FileLock::getOwner, Long::compareUnsigned)
            .thenComparing(FileLock::getFlock)
            .thenComparing(FileLock::getStart, Long::compareUnsigned);
}
