package io.curvefs.common.meta;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.Time;

import java.util.List;
import java.util.function.Supplier;

/**
 * unlink(2) and rmdir(2), for a mount and for a metaserver emptying a recycle bin alike. The entry goes and
 * its inode loses the link together: in one command at the parent's partition when the inode lives there,
 * else in a rename transaction ({@link RenameTx.Removal}), so no crash leaves a name without its link
 * count or an inode that nothing names and nothing reclaims. Before a transaction the removal is checked
 * here for clear errors; the metaserver checks again at prepare, and its answer counts.
 */
public final class EntryRemover {
    /** Plans made for one removal when other clients keep changing the name meanwhile. */
    private static final int MAX_PLANS = 8;

    private final MetaClient meta;
    private final RenameTx tx;
    private final Supplier<Time> clock;

    public EntryRemover(MetaClient meta, Supplier<Time> clock) {
        this.meta = meta;
        this.tx = new RenameTx(meta, RenameTx.DEFAULT_TTL_MS, step -> { });
        this.clock = clock;
    }

    /** What the caller knows and checks of the entry to remove, for the transaction. */
    public interface Victims {
        /** The inode the name points to, read fresh. */
        Inode lookup(long parent, String name);

        /** Throws to refuse the removal for reasons beyond type and emptiness (the sticky bit, say). */
        void check(long parent, Inode victim);
    }

    /** Victims read through the metadata client, with no checks beyond the metaserver's: for root's jobs. */
    public Victims plainVictims() {
        return new Victims() {
            @Override
            public Inode lookup(long parent, String name) {
                GetDentryResponse found = meta.lookup(parent, name);
                return found.hasInode() ? found.getInode() : meta.getInode(found.getDentry().getInodeId(), false);
            }

            @Override
            public void check(long parent, Inode victim) {
            }
        };
    }

    /**
     * @param parent  the parent afterwards (null when unknown)
     * @param inode   the inode afterwards (null when unknown or deleted)
     * @param deleted the inode is gone (a directory) or in its partition's trash
     */
    public record Removed(long ino, Inode parent, Inode inode, boolean deleted) {
    }

    /**
     * Removes the name: an empty directory ({@code directory}), else a non-directory, whose inode is kept
     * for the caller's open handles when {@code keep} and this was its last name.
     */
    public Removed remove(long parent, String name, boolean directory, int callerUid, boolean keep,
                          Victims victims) {
        try {
            RemoveEntryResponse r = meta.removeEntry(parent, name, directory, callerUid, keep, clock.get());
            return new Removed(r.getDentry().getInodeId(), r.getParent(), r.getInodeLocal() ? r.getInode() : null,
                    r.getInodeDeleted());
        } catch (RpcException e) {
            if (e.code() != StatusCode.CROSS_PARTITION) {
                throw e;
            }
        }
        for (int plan = 1; ; plan++) {
            Inode victim = victims.lookup(parent, name);
            long ino = victim.getInodeId();
            boolean isDir = victim.getType() == FsFileType.TYPE_DIRECTORY;
            if (directory) {
                requireEmptyDir(victim, name);
            } else if (isDir) {
                throw new RpcException(StatusCode.IS_DIRECTORY, "'" + name + "' is a directory");
            }
            victims.check(parent, victim);
            RenameTx.Removal removal = new RenameTx.Removal(parent, name, ino, victim.getType(), keep && !isDir,
                    callerUid);
            List<Inode> deleted;
            try {
                deleted = tx.remove(removal, clock.get());
            } catch (RpcException e) {
                if (e.code() != StatusCode.TX_CONFLICT || plan == MAX_PLANS) {
                    throw e;
                }
                continue;
            }
            Inode gone = deleted.stream().filter(i -> i.getInodeId() == ino).findFirst().orElse(null);
            if (gone != null || isDir) {
                return new Removed(ino, null, null, true);
            }
            return new Removed(ino, null, meta.getInode(ino, false), false);
        }
    }

    private void requireEmptyDir(Inode dir, String name) {
        if (dir.getType() != FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_DIRECTORY, "'" + name + "' is not a directory");
        }
        if (!meta.listDentry(dir.getInodeId(), "", 1).entries().isEmpty()) {
            throw new RpcException(StatusCode.DIR_NOT_EMPTY, "directory '" + name + "' is not empty");
        }
    }
}
