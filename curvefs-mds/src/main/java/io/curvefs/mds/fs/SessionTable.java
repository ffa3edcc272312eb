package io.curvefs.mds.fs;

import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.Mountpoint;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each mount last refreshed its session (soft state of the leader). A new leader cannot know, so
 * it treats every persisted mountpoint as just refreshed: a live client keeps its mount, a dead one is
 * unmounted one lease later.
 */
final class SessionTable {
    record Key(int fsId, String hostname, String path) {
        static Key of(int fsId, Mountpoint mp) {
            return new Key(fsId, mp.getHostname(), mp.getPath());
        }
    }

    private final Map<Key, Long> lastRefreshMs = new ConcurrentHashMap<>();

    void resetAll(List<FsInfo> filesystems, long nowMs) {
        lastRefreshMs.clear();
        for (FsInfo fs : filesystems) {
            fs.getMountpointsList().forEach(mp -> lastRefreshMs.put(Key.of(fs.getFsId(), mp), nowMs));
        }
    }

    void refresh(Key key, long nowMs) {
        lastRefreshMs.put(key, nowMs);
    }

    void remove(Key key) {
        lastRefreshMs.remove(key);
    }

    boolean isExpired(Key key, long nowMs, long leaseMs) {
        Long last = lastRefreshMs.get(key);
        return last == null || nowMs - last > leaseMs;
    }

    List<Key> expired(long nowMs, long leaseMs) {
        return lastRefreshMs.entrySet().stream().filter(e -> nowMs - e.getValue() > leaseMs).map(Map.Entry::getKey).toList();
    }
}
