package io.curvefs.client.vfs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-directory knowledge for a short time. After a directory was listed (readdir, or a burst of
 * lookups that missed the entry cache: ls -l, stat loops, creating many files), its names are known
 * for the entry timeout, so a lookup of an absent name answers ENOENT without a round trip. This
 * mount's own changes keep a listing current; another mount's changes show once it expires, the
 * same bound the kernel's entry cache has.
 *
 * <p>A listing that this mount changed while it was being read is not kept: the change might have
 * landed after the read, and a listing missing a name would hide a file that exists.
 */
final class DirListings {
    /** Lookups missing in one directory within the entry timeout before the directory is listed. */
    static final int MISSES_BEFORE_LISTING = 8;
    private static final long MAX_DIRS = 4096;

    private final Cache<Long, Set<String>> listings;
    private final Cache<Long, AtomicInteger> misses;
    /** Per directory, how many changes this mount made: a listing is kept only if none happened while it was read. */
    private final Cache<Long, AtomicLong> generations;

    DirListings(Duration entryTimeout) {
        this.listings = Caffeine.newBuilder().expireAfterWrite(entryTimeout).maximumSize(MAX_DIRS).build();
        this.misses = Caffeine.newBuilder().expireAfterWrite(entryTimeout).maximumSize(MAX_DIRS).build();
        this.generations = Caffeine.newBuilder().expireAfterAccess(entryTimeout.multipliedBy(10))
                .maximumSize(MAX_DIRS * 4).build();
    }

    /** The names of the current listing of {@code dir}; empty when there is none. */
    Set<String> names(long dir) {
        Set<String> names = listings.getIfPresent(dir);
        return names == null ? Set.of() : Set.copyOf(names);
    }

    /** Whether the current listing of {@code dir} knows {@code name} to be absent. */
    boolean knownAbsent(long dir, String name) {
        Set<String> names = listings.getIfPresent(dir);
        return names != null && !names.contains(name);
    }

    /** Counts a lookup that had to ask the metaserver; true when the directory should now be listed. */
    boolean missed(long dir) {
        if (listings.getIfPresent(dir) != null) {
            return false;
        }
        return misses.get(dir, d -> new AtomicInteger()).incrementAndGet() == MISSES_BEFORE_LISTING;
    }

    /** To be read before listing {@code dir}, and handed to {@link #put}. */
    long generation(long dir) {
        return generations.get(dir, d -> new AtomicLong()).get();
    }

    void put(long dir, Collection<String> names, long generationBefore) {
        Set<String> set = ConcurrentHashMap.newKeySet(names.size());
        set.addAll(names);
        if (generation(dir) == generationBefore) {
            listings.put(dir, set);
            // a change racing with this put is still seen: it bumps the generation, then edits or drops the set
            if (generation(dir) != generationBefore) {
                listings.invalidate(dir);
            }
        }
        misses.invalidate(dir);
    }

    void added(long dir, String name) {
        changed(dir);
        Set<String> names = listings.getIfPresent(dir);
        if (names != null) {
            names.add(name);
        }
    }

    void removed(long dir, String name) {
        changed(dir);
        Set<String> names = listings.getIfPresent(dir);
        if (names != null) {
            names.remove(name);
        }
    }

    /** The listing proved wrong (another mount changed the directory): forget it. */
    void drop(long dir) {
        changed(dir);
        listings.invalidate(dir);
    }

    private void changed(long dir) {
        generations.get(dir, d -> new AtomicLong()).incrementAndGet();
    }
}
