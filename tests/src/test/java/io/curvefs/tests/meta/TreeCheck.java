package io.curvefs.tests.meta;

import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.Route;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListTxRequest;
import io.curvefs.proto.metaserver.ListTxResponse;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks a file system's whole tree through the metadata client, as a reader would (so names held by
 * rename transactions are settled on the way), and fails the test on any inconsistency: an entry without
 * its inode, an entry whose type differs from its inode's, a directory with a second name or reached
 * twice, an nlink that does not count the names (plus subdirectories, for directories), a parent list
 * that does not name exactly the directories holding the names. {@link #unreachable} then compares what
 * the walk saw with the partitions' inode counters.
 */
public final class TreeCheck {
    public static final long ROOT = 1;

    /** What the walk saw: every reachable inode and the names of each. */
    public record Tree(Map<Long, Inode> inodes, Map<Long, List<Dentry>> names) {
        public int dentries() {
            return names.values().stream().mapToInt(List::size).sum();
        }
    }

    private TreeCheck() {
    }

    public static Tree check(MetaClient meta) {
        Map<Long, List<Dentry>> names = new HashMap<>();
        Map<Long, Integer> subdirs = new HashMap<>();
        Set<Long> dirs = new HashSet<>(List.of(ROOT));
        Deque<Long> todo = new ArrayDeque<>(List.of(ROOT));
        while (!todo.isEmpty()) {
            long dir = todo.pop();
            for (Dentry d : meta.listAll(dir)) {
                names.computeIfAbsent(d.getInodeId(), i -> new ArrayList<>()).add(d);
                if (d.getType() == FsFileType.TYPE_DIRECTORY) {
                    subdirs.merge(dir, 1, Integer::sum);
                    assertTrue(dirs.add(d.getInodeId()), "directory " + d.getInodeId() + " reached twice, last as "
                            + d.getName() + " in " + dir);
                    todo.push(d.getInodeId());
                }
            }
        }
        Set<Long> ids = new HashSet<>(names.keySet());
        ids.add(ROOT);
        Map<Long, Inode> inodes = new HashMap<>();
        for (Inode inode : meta.batchGetInodeAttr(ids)) {
            inodes.put(inode.getInodeId(), inode);
        }
        for (Map.Entry<Long, List<Dentry>> e : names.entrySet()) {
            checkNames(inodes.get(e.getKey()), e.getValue(), subdirs.getOrDefault(e.getKey(), 0));
        }
        Inode root = inodes.get(ROOT);
        assertNotNull(root, "the root inode");
        assertEquals(2 + subdirs.getOrDefault(ROOT, 0), root.getNlink(), "nlink of the root");
        return new Tree(inodes, names);
    }

    private static void checkNames(Inode inode, List<Dentry> names, int subdirs) {
        Dentry first = names.get(0);
        String where = "inode " + first.getInodeId() + " named " + first.getName() + " in " + first.getParentInodeId();
        assertNotNull(inode, "dangling entry: " + where);
        for (Dentry d : names) {
            assertEquals(d.getType(), inode.getType(), "entry type of " + where);
        }
        Set<Long> parents = new HashSet<>();
        names.forEach(d -> parents.add(d.getParentInodeId()));
        if (inode.getType() == FsFileType.TYPE_DIRECTORY) {
            assertEquals(1, names.size(), "names of directory " + where);
            assertEquals(2 + subdirs, inode.getNlink(), "nlink of directory " + where);
            assertEquals(List.of(first.getParentInodeId()), inode.getParentList(), "parents of directory " + where);
        } else {
            assertEquals(names.size(), inode.getNlink(), "nlink of " + where);
            assertEquals(parents, new HashSet<>(inode.getParentList()), "parents of " + where);
        }
    }

    /** Inodes the partitions count beyond those the walk reached (constant for a healthy fs). */
    public static long unreachable(MetaClient meta, Tree tree) {
        return PartitionCounters.totals(meta).inodes() - tree.inodes().size();
    }

    /** The rename transactions the partitions of the fs still hold. */
    public static List<TxRecord> openTransactions(MetaClient meta) {
        List<TxRecord> open = new ArrayList<>();
        for (Route route : meta.router().routes()) {
            ListTxResponse resp = Statuses.requireOk(route.channel().call(
                    ListTxRequest.newBuilder().setPartition(route.ref()).build()));
            open.addAll(resp.getTxsList());
        }
        return open;
    }
}
