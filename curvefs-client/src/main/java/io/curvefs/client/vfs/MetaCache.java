package io.curvefs.client.vfs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.curvefs.proto.metaserver.Inode;

import java.time.Duration;

/**
 * The mount's metadata caches: inode attributes and name lookups, each expiring after the timeout the
 * kernel also uses, so the client never serves anything older than the kernel would. Mutations made
 * through this mount update or drop their entries; changes by other mounts show after the timeout
 * (and at open, which revalidates).
 */
final class MetaCache {
    private static final long MAX_ENTRIES = 1_000_000;

    private record Name(long parent, String name) {
    }

    private final Cache<Long, Inode> attrs;
    private final Cache<Name, Long> entries;

    MetaCache(Duration attrTimeout, Duration entryTimeout) {
        this.attrs = Caffeine.newBuilder().expireAfterWrite(attrTimeout).maximumSize(MAX_ENTRIES).build();
        this.entries = Caffeine.newBuilder().expireAfterWrite(entryTimeout).maximumSize(MAX_ENTRIES).build();
    }

    Inode attr(long ino) {
        return attrs.getIfPresent(ino);
    }

    void putAttr(Inode inode) {
        attrs.put(inode.getInodeId(), inode.toBuilder().clearS3ChunkInfoMap().build());
    }

    void dropAttr(long ino) {
        attrs.invalidate(ino);
    }

    Long entry(long parent, String name) {
        return entries.getIfPresent(new Name(parent, name));
    }

    void putEntry(long parent, String name, long ino) {
        entries.put(new Name(parent, name), ino);
    }

    void dropEntry(long parent, String name) {
        entries.invalidate(new Name(parent, name));
    }
}
