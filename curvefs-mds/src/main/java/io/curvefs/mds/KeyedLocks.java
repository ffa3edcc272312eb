package io.curvefs.mds;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes the long-running operations (RPCs to metaservers and S3 included) on one key, e.g. one fs,
 * without blocking the others. There are few keys (file systems), so locks are kept, not evicted.
 */
public final class KeyedLocks<K> {
    private final ConcurrentHashMap<K, ReentrantLock> locks = new ConcurrentHashMap<>();

    public <T> T withLock(K key, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
