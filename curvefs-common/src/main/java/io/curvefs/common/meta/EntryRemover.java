package io.curvefs.common.meta;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.RemoveEntryResponse;
import io.curvefs.proto.metaserver.Time;

import java.util.function.Consumer;

/**
 * unlink(2) and rmdir(2) across partitions, for a mount and for a metaserver emptying a recycle bin alike.
 * Usually one command at the parent's partition does all; when the named inode lives in another
 * partition its link count is lowered there afterwards (a crash in between leaves it one too high: a
 * leak, never a file deleted while it still has a name), and a directory that lives elsewhere is checked
 * there, then its entry and the directory go.
 */
public final class EntryRemover {
    private final MetaClient meta;

    public EntryRemover(MetaClient meta) {
        this.meta = meta;
    }

    /**
     * @param parent  the parent afterwards
     * @param inode   the inode afterwards (null when it was deleted)
     * @param deleted the inode is in its partition's trash (a file) or gone (a directory)
     */
    public record Removed(long ino, Inode parent, Inode inode, boolean deleted) {
    }

    /**
     * Removes the name of a non-directory. An inode left without names goes to its partition's trash,
     * unless {@code keepIfOrphaned} (the caller still has it open and deletes it after the last close).
     */
    public Removed unlink(long parent, String name, int callerUid, boolean keepIfOrphaned, Time time) {
        RemoveEntryResponse r = meta.removeEntry(parent, name, false, callerUid, keepIfOrphaned, time);
        long ino = r.getDentry().getInodeId();
        if (r.getInodeDeleted()) {
            return new Removed(ino, r.getParent(), null, true);
        }
        Inode after = r.getInodeLocal() ? r.getInode() : meta.updateInode(ino,
                b -> b.setNlinkDelta(-1).setCtime(time).addParentRemove(parent));
        if (after.getNlink() > 0 || keepIfOrphaned) {
            return new Removed(ino, r.getParent(), after, false);
        }
        deleteInode(ino, time);
        return new Removed(ino, r.getParent(), null, true);
    }

    /**
     * Removes an empty directory. When it lives in another partition than its entry, {@code check} sees it
     * (after the emptiness check, before anything changes) and may refuse by throwing; {@code parent} of
     * the answer is then null (the parent changed, but this call did not read it back).
     */
    public Removed rmdir(long parent, String name, int callerUid, Time time, Consumer<Inode> check) {
        try {
            RemoveEntryResponse r = meta.removeEntry(parent, name, true, callerUid, false, time);
            return new Removed(r.getDentry().getInodeId(), r.getParent(), null, true);
        } catch (RpcException e) {
            if (e.code() != StatusCode.CROSS_PARTITION) {
                throw e;
            }
        }
        GetDentryResponse found = meta.lookup(parent, name);
        long ino = found.getDentry().getInodeId();
        Inode dir = found.hasInode() ? found.getInode() : meta.getInode(ino, false);
        if (dir.getType() != FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_DIRECTORY, "'" + name + "' is not a directory");
        }
        if (!meta.listDentry(ino, "", 1).entries().isEmpty()) {
            throw new RpcException(StatusCode.DIR_NOT_EMPTY, "directory '" + name + "' is not empty");
        }
        check.accept(dir);
        meta.deleteDentry(parent, name, time);
        deleteInode(ino, time);
        return new Removed(ino, null, null, true);
    }

    /** Puts a file without names into its trash (or deletes an empty directory); one already gone is fine. */
    private void deleteInode(long ino, Time time) {
        try {
            meta.deleteInode(ino, time);
        } catch (RpcException e) {
            if (e.code() != StatusCode.INODE_NOT_FOUND) {
                throw e;
            }
        }
    }
}
