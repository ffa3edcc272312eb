package io.curvefs.metaserver.rename;

import io.curvefs.metaserver.dentry.ParentDirectory;
import io.curvefs.metaserver.inode.LinkCounts;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.TxIntent;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Applies one partition's part of a committed rename transaction. It never refuses: the prepare checked
 * the part and its locks kept the names as they were, so this only writes. Each change reads what the
 * batch holds so far, so several intents on one directory (an entry leaving and another arriving) add up.
 */
final class TxApply {
    private TxApply() {
    }

    /** Applies the intents; answers the inodes that lost their last name, with their chunk infos. */
    static List<Inode> apply(MetaWriter w, PartitionState p, TxRecord tx) {
        List<Inode> deleted = new ArrayList<>();
        Time time = tx.getTime();
        for (TxIntent i : tx.getIntentsList()) {
            switch (i.getKind()) {
                case REMOVE_NAME -> removeName(w, p, i.getParent(), i.getName(), i.getType(), time);
                case PLACE_NAME -> placeName(w, p, i, time);
                case MOVE_INODE -> updateInode(w, p, i.getInodeId(), inode -> moved(inode, i, time));
                case DROP_INODE -> w.inode(p.id(), i.getInodeId()).ifPresent(inode -> {
                    LinkCounts.Dropped dropped = LinkCounts.drop(w, p, inode, i.getParent(), time,
                            i.getKeepIfOrphaned() ? i.getHolder() : null);
                    if (dropped.deleted()) {
                        deleted.add(dropped.inode());
                    }
                });
                case LINK_INODE -> w.inode(p.id(), i.getInodeId()).ifPresent(inode ->
                        LinkCounts.add(w, p, inode, i.getParent(), time));
                case KEEP_PARENT -> {
                    // only held while the transaction was undecided
                }
                default -> throw new IllegalStateException("prepared intent of unknown kind " + i.getKind());
            }
        }
        w.putPartition(p.info());
        return deleted;
    }

    private static void removeName(MetaWriter w, PartitionState p, long parent, String name, FsFileType type,
                                   Time time) {
        if (w.dentry(p.id(), parent, name).isPresent()) {
            w.deleteDentry(p.id(), parent, name);
            p.dentryRemoved();
            updateInode(w, p, parent, dir -> ParentDirectory.unlinked(dir, type, time));
        }
    }

    private static void placeName(MetaWriter w, PartitionState p, TxIntent i, Time time) {
        if (i.getVictim() != 0) {
            removeName(w, p, i.getParent(), i.getName(), i.getVictimType(), time);
        }
        w.putDentry(p.id(), Dentry.newBuilder().setFsId(p.fsId()).setParentInodeId(i.getParent())
                .setName(i.getName()).setInodeId(i.getInodeId()).setType(i.getType()).build());
        p.dentryAdded();
        updateInode(w, p, i.getParent(), dir -> ParentDirectory.linked(dir, i.getType(), time));
    }

    /** The moved inode: a new ctime, and the old parent swapped for the new one in its parent list. */
    static Inode moved(Inode inode, long srcParent, long dstParent, Time time) {
        Inode.Builder b = inode.toBuilder().setCtime(time.getSec()).setCtimeNs(time.getNsec());
        if (srcParent != dstParent) {
            List<Long> list = new ArrayList<>(inode.getParentList());
            list.remove(srcParent);
            if (!list.contains(dstParent)) {
                list.add(dstParent);
            }
            b.clearParent().addAllParent(list);
        }
        return b.build();
    }

    private static Inode moved(Inode inode, TxIntent i, Time time) {
        return moved(inode, i.getParent(), i.getNewParent(), time);
    }

    private static void updateInode(MetaWriter w, PartitionState p, long ino, UnaryOperator<Inode> change) {
        w.inode(p.id(), ino).ifPresent(inode -> w.putInode(p.id(), change.apply(inode)));
    }
}
