package io.curvefs.client.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Local read cache: one file per cached unit in one directory, bounded in bytes, least recently used
 * files evicted first. Objects are never overwritten, so a cached unit stays valid forever, also across
 * restarts: files found at start are kept (oldest modification first in the LRU order). Files are
 * written to a temporary name and renamed, so a crash never leaves a torn unit behind.
 */
final class DiskCache {
    private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
    private static final String TMP = ".tmp";

    private final Path dir;
    private final long capacity;
    private final LinkedHashMap<String, Long> lru = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    DiskCache(Path dir, long capacity) throws IOException {
        this.dir = dir;
        this.capacity = capacity;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> existing = files.sorted(Comparator.comparingLong(DiskCache::modified)).toList();
            for (Path p : existing) {
                if (p.getFileName().toString().endsWith(TMP)) {
                    Files.deleteIfExists(p);      // an interrupted write
                } else {
                    long size = Files.size(p);
                    lru.put(p.getFileName().toString(), size);
                    bytes += size;
                }
            }
        }
        evict();
    }

    /** The cached unit, or null. */
    byte[] get(String name) {
        synchronized (this) {
            if (lru.get(name) == null) {
                return null;
            }
        }
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            forget(name);                          // evicted meanwhile
            return null;
        } catch (IOException e) {
            LOG.warn("disk cache: cannot read {}: {}", name, e.getMessage());
            forget(name);
            return null;
        }
    }

    void put(String name, byte[] data) {
        synchronized (this) {
            if (lru.containsKey(name)) {
                return;
            }
        }
        Path tmp = dir.resolve(name + "." + Thread.currentThread().getId() + TMP);
        try {
            Files.write(tmp, data);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("disk cache: cannot write {}: {}", name, e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the next start removes leftovers
            }
            return;
        }
        synchronized (this) {
            if (lru.put(name, (long) data.length) == null) {
                bytes += data.length;
            }
            evict();
        }
    }

    private synchronized void forget(String name) {
        Long size = lru.remove(name);
        if (size != null) {
            bytes -= size;
        }
    }

    private synchronized void evict() {
        Iterator<Map.Entry<String, Long>> it = lru.entrySet().iterator();
        while (bytes > capacity && it.hasNext()) {
            Map.Entry<String, Long> eldest = it.next();
            it.remove();
            bytes -= eldest.getValue();
            try {
                Files.deleteIfExists(dir.resolve(eldest.getKey()));
            } catch (IOException e) {
                LOG.warn("disk cache: cannot delete {}: {}", eldest.getKey(), e.getMessage());
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
