package io.curvefs.client.fuse;

import io.curvefs.proto.metaserver.Inode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inodes the kernel holds (nodeid = inode id): how many lookups it was given for each, which its
 * FORGETs pay back, and the size and times it was last told, so that an open that finds them changed
 * (another mount wrote the file) knows the kernel's copy is stale.
 */
final class Nodes {
    /** What the kernel last heard of an inode's data. */
    private record Seen(long length, long mtime, int mtimeNs, long ctime, int ctimeNs) {
        static Seen of(Inode i) {
            return new Seen(i.getLength(), i.getMtime(), i.getMtimeNs(), i.getCtime(), i.getCtimeNs());
        }
    }

    private static final class Node {
        long lookups;
        Seen seen;
        /** The inode's first parent when the kernel was last told of it: where its dentry likely is. */
        long parent;
    }

    /** Deeper than any tree the kernel's dentries form here; a bound against a cycle of stale places. */
    private static final int MAX_DEPTH = 4096;

    /** Where the kernel was last told a directory is (a directory has one name, so one dentry). */
    record Place(long parent, String name) {
    }

    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    private final Map<Long, Place> dirPlaces = new ConcurrentHashMap<>();

    /** An entry reply for the inode went out: one more lookup the kernel will forget. */
    void lookedUp(Inode inode) {
        nodes.compute(inode.getInodeId(), (id, n) -> {
            Node node = n != null ? n : new Node();
            node.lookups++;
            node.seen = Seen.of(inode);
            node.parent = inode.getParentCount() > 0 ? inode.getParent(0) : 0;
            return node;
        });
    }

    /** Attributes of an inode the kernel knows went out (getattr, setattr). */
    void told(Inode inode) {
        nodes.computeIfPresent(inode.getInodeId(), (id, node) -> {
            node.seen = Seen.of(inode);
            return node;
        });
    }

    /** Whether the kernel may hold other size or times for the inode than {@code fresh}. */
    boolean differs(Inode fresh) {
        Node node = nodes.get(fresh.getInodeId());
        Seen seen = node == null ? null : node.seen;
        return seen == null || !seen.equals(Seen.of(fresh));
    }

    /**
     * The kernel is told that directory {@code dir} is {@code name} in {@code parent}: where it had it
     * before, when that was elsewhere (another mount moved it), else null.
     */
    Place placed(long dir, long parent, String name) {
        Place now = new Place(parent, name);
        Place before = dirPlaces.put(dir, now);
        return before == null || before.equals(now) ? null : before;
    }

    /** Where the kernel was last told directory {@code dir} is, or null. */
    Place placeOf(long dir) {
        return dirPlaces.get(dir);
    }

    /**
     * Whether the kernel's dentry of {@code ino} is likely below directory {@code dir} (a dentry pins
     * its parents): the places the kernel was told, followed up.
     */
    boolean below(long ino, long dir) {
        long at = ino;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            long up = parentOf(at);
            if (up == 0 || up == at) {
                return false;
            }
            if (up == dir) {
                return true;
            }
            at = up;
        }
        return false;
    }

    private long parentOf(long ino) {
        Place place = dirPlaces.get(ino);
        if (place != null) {
            return place.parent();
        }
        Node node = nodes.get(ino);
        return node == null ? 0 : node.parent;
    }

    /** This mount renamed {@code ino}: the kernel moved its dentry itself. */
    void moved(long ino, long parent, String name) {
        dirPlaces.computeIfPresent(ino, (id, p) -> new Place(parent, name));
    }

    /** FORGET: true when the kernel holds the inode no more. */
    boolean forget(long ino, long count) {
        boolean[] gone = {false};
        nodes.computeIfPresent(ino, (id, node) -> {
            node.lookups -= count;
            gone[0] = node.lookups <= 0;
            return gone[0] ? null : node;
        });
        if (gone[0]) {
            dirPlaces.remove(ino);
        }
        return gone[0];
    }
}
