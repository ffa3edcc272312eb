package io.curvefs.client.vfs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.curvefs.proto.metaserver.Inode;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The mount's metadata caches: inode attributes and name lookups, each expiring after the timeout the
 * kernel also uses. Each entry knows its age, so the kernel is told to keep what it is served only for
 * the rest of that timeout: nothing reaches a reader later than one timeout after it was fetched.
 * Mutations made through this mount update or drop their entries; changes by other mounts show after
 * the timeout (and at open, which revalidates).
 */
final class MetaCache {
    private static final long MAX_ENTRIES = 1_000_000;

    private record Name(long parent, String name) {
    }

    /** A value and when it was fetched (System.nanoTime). */
    private record Stamped<T>(T value, long at) {
        Stamped(T value) {
            this(value, System.nanoTime());
        }

        long age() {
            return System.nanoTime() - at;
        }
    }

    private final Cache<Long, Stamped<Inode>> attrs;
    private final Cache<Name, Stamped<Long>> entries;

    MetaCache(Duration attrTimeout, Duration entryTimeout) {
        this.attrs = Caffeine.newBuilder().expireAfterWrite(attrTimeout).maximumSize(MAX_ENTRIES).build();
        this.entries = Caffeine.newBuilder().expireAfterWrite(entryTimeout).maximumSize(MAX_ENTRIES).build();
    }

    Inode attr(long ino) {
        Stamped<Inode> s = attrs.getIfPresent(ino);
        return s == null ? null : s.value();
    }

    /** How long ago the cached attributes were fetched; 0 when none are cached. */
    long attrAgeNanos(long ino) {
        Stamped<Inode> s = attrs.getIfPresent(ino);
        return s == null ? 0 : s.age();
    }

    void putAttr(Inode inode) {
        attrs.put(inode.getInodeId(), new Stamped<>(inode.toBuilder().clearS3ChunkInfoMap().build()));
    }

    void dropAttr(long ino) {
        attrs.invalidate(ino);
    }

    Long entry(long parent, String name) {
        Stamped<Long> s = entries.getIfPresent(new Name(parent, name));
        return s == null ? null : s.value();
    }

    /** How long ago the cached lookup was made; 0 when none is cached. */
    long entryAgeNanos(long parent, String name) {
        Stamped<Long> s = entries.getIfPresent(new Name(parent, name));
        return s == null ? 0 : s.age();
    }

    void putEntry(long parent, String name, long ino) {
        entries.put(new Name(parent, name), new Stamped<>(ino));
    }

    /** Every cached name of {@code ino}: a scan, for the rare inode found gone or nameless. */
    void dropEntriesNaming(long ino) {
        entries.asMap().values().removeIf(s -> s.value() == ino);
    }

    /** The names of {@code parent} cached now (served within the entry timeout), with what they name. */
    Map<String, Long> entriesIn(long parent) {
        Map<String, Long> out = new HashMap<>();
        entries.asMap().forEach((n, s) -> {
            if (n.parent() == parent) {
                out.put(n.name(), s.value());
            }
        });
        return out;
    }

    void dropEntry(long parent, String name) {
        entries.invalidate(new Name(parent, name));
    }
}
