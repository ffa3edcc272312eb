package io.curvefs.metaserver.inode;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.dentry.TxLocks;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.trash.Trash;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;

import java.util.ArrayList;
import java.util.List;

/**
 * How an inode of this partition changes when one of its names comes or goes, inside the batch of the
 * command that adds or removes the name. Directories have exactly one name, so losing it deletes them.
 */
public final class LinkCounts {
    /** The inode after losing a name; {@code deleted} when it is gone (a directory) or in the trash. */
    public record Dropped(Inode inode, boolean deleted) {
    }

    private LinkCounts() {
    }

    /**
     * One name of {@code inode} in {@code parent} is gone. A directory (which must be empty) is deleted; a
     * file loses a link and enters the trash at nlink 0; when {@code keptBy} names the client that still
     * has it open (null: none), a 'K' key naming that client holds it there, unreclaimed, until the
     * client's DeleteInode or the end of its mount session (it is then not {@code deleted}: the client
     * still has to release it).
     */
    public static Dropped drop(MetaWriter w, PartitionState p, Inode inode, long parent, Time time,
                               String keptBy) {
        if (inode.getType() == FsFileType.TYPE_DIRECTORY) {
            requireEmptyDirectory(w, p, inode);
            return new Dropped(deleteDirectory(w, p, inode), true);
        }
        int nlink = Math.max(0, inode.getNlink() - 1);
        Inode.Builder b = inode.toBuilder().setNlink(nlink).setCtime(time.getSec()).setCtimeNs(time.getNsec());
        List<Long> parents = new ArrayList<>(inode.getParentList());
        parents.remove(parent);
        b.clearParent().addAllParent(parents);
        if (nlink == 0) {
            b.setDtime(time.getSec());
        }
        Inode after = b.build();
        if (nlink == 0) {
            Inode trashed = Trash.put(w, p, after, time.getSec());
            if (keptBy != null) {
                w.putKept(p.id(), after.getInodeId(), keptBy);
            }
            return new Dropped(trashed, keptBy == null);
        }
        w.putInode(p.id(), after);
        return new Dropped(after, false);
    }

    /** A new name of a non-directory in {@code parent}. */
    public static Inode add(MetaWriter w, PartitionState p, Inode inode, long parent, Time time) {
        if (inode.getType() == FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_PERMITTED, "hard link to directory " + inode.getInodeId());
        }
        if (inode.getNlink() == 0) {
            throw new RpcException(StatusCode.INODE_NOT_FOUND, "inode " + inode.getInodeId() + " has no name left");
        }
        Inode.Builder b = inode.toBuilder().setNlink(inode.getNlink() + 1)
                .setCtime(time.getSec()).setCtimeNs(time.getNsec());
        if (!inode.getParentList().contains(parent)) {
            b.addParent(parent);
        }
        Inode after = b.build();
        w.putInode(p.id(), after);
        return after;
    }

    /** DIR_NOT_EMPTY, or TX_LOCKED when a rename transaction may be placing an entry into it. */
    public static void requireEmptyDirectory(MetaWriter w, PartitionState p, Inode dir) {
        TxLocks.requireNoneIn(w, p, dir.getInodeId());
        if (w.hasDentries(p.id(), dir.getInodeId())) {
            throw new RpcException(StatusCode.DIR_NOT_EMPTY, "directory " + dir.getInodeId() + " is not empty");
        }
    }

    /** Deletes an (empty) directory at once: it has no data to reclaim, so it skips the trash. */
    public static Inode deleteDirectory(MetaWriter w, PartitionState p, Inode dir) {
        w.deleteInode(p.id(), dir.getInodeId());
        p.inodeRemoved(dir.getType(), dir.getLength());
        return dir;
    }
}
