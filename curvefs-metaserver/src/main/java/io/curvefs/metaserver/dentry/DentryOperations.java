package io.curvefs.metaserver.dentry;

import io.curvefs.metaserver.recycle.RecycleDir;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.inode.NewInode;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.CreateDentryRequest;
import io.curvefs.proto.metaserver.CreateDentryResponse;
import io.curvefs.proto.metaserver.CreateNodeRequest;
import io.curvefs.proto.metaserver.CreateNodeResponse;
import io.curvefs.proto.metaserver.DeleteDentryRequest;
import io.curvefs.proto.metaserver.DeleteDentryResponse;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.GetDentryRequest;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.ListDentryRequest;
import io.curvefs.proto.metaserver.ListDentryResponse;

import java.util.List;

/**
 * Directory entries: they live in the partition of their parent directory, so an entry and the
 * parent's nlink/mtime change in one batch. Every check precedes the first write of an entry, so a
 * refused request leaves no trace.
 */
public final class DentryOperations {
    public static final int DEFAULT_PAGE = 1024;
    public static final int MAX_PAGE = 65536;

    private DentryOperations() {
    }

    public static CreateDentryResponse create(MetaWriter w, CreateDentryRequest r) {
        Dentry d = r.getDentry();
        DentryNames.validate(d.getName());
        if (d.getInodeId() == 0) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "dentry '" + d.getName() + "' names no inode");
        }
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode parent = ParentDirectory.require(w, p, d.getParentInodeId());
        requireAbsent(w, p, d.getParentInodeId(), d.getName());
        RecycleDir.requirePlaceable(d.getParentInodeId(), d.getName(), d.getType());
        w.putDentry(p.id(), d.toBuilder().setFsId(p.fsId()).build());
        w.putInode(p.id(), ParentDirectory.linked(parent, d.getType(), r.getTime()));
        p.dentryAdded();
        w.putPartition(p.info());
        return CreateDentryResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    /** Removes the name and answers what it pointed to; the target inode is the caller's business. */
    public static DeleteDentryResponse delete(MetaWriter w, DeleteDentryRequest r) {
        DentryNames.validate(r.getName());
        PartitionState p = PartitionState.load(w, r.getPartition());
        p.requireOwns(r.getParentInodeId());
        TxLocks.requireUnlocked(w, p, r.getParentInodeId(), r.getName());
        Dentry d = w.dentry(p.id(), r.getParentInodeId(), r.getName()).orElseThrow(() ->
                new RpcException(StatusCode.DENTRY_NOT_FOUND, "no entry '" + r.getName() + "' in "
                        + r.getParentInodeId()));
        RecycleDir.requireNotRecycle(d);
        w.deleteDentry(p.id(), r.getParentInodeId(), r.getName());
        w.inode(p.id(), r.getParentInodeId()).ifPresent(parent ->
                w.putInode(p.id(), ParentDirectory.unlinked(parent, d.getType(), r.getTime())));
        p.dentryRemoved();
        w.putPartition(p.info());
        return DeleteDentryResponse.newBuilder().setStatus(Statuses.OK).setDentry(d).build();
    }

    /**
     * Compound create (file, directory, symlink, node): the inode takes the next id of the parent's
     * partition, and the inode, the entry and the parent's change are one raft entry.
     */
    public static CreateNodeResponse createNode(MetaWriter w, CreateNodeRequest r) {
        DentryNames.validate(r.getName());
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode parent = ParentDirectory.require(w, p, r.getParentInodeId());
        requireAbsent(w, p, r.getParentInodeId(), r.getName());
        RecycleDir.requirePlaceable(r.getParentInodeId(), r.getName(), r.getType());
        p.requireWritable();
        Inode probe = NewInode.build(0, p.fsId(), r.getType(), r.getMode(), r.getUid(), r.getGid(), r.getRdev(),
                r.getSymlink(), 0, r.getTime(), r.getParentInodeId());
        Inode inode = probe.toBuilder().setInodeId(p.allocateId()).build();
        Inode updatedParent = ParentDirectory.linked(parent, inode.getType(), r.getTime());
        w.putInode(p.id(), inode);
        w.putDentry(p.id(), Dentry.newBuilder().setFsId(p.fsId()).setParentInodeId(r.getParentInodeId())
                .setName(r.getName()).setInodeId(inode.getInodeId()).setType(inode.getType()).build());
        w.putInode(p.id(), updatedParent);
        p.inodeAdded(inode.getType(), inode.getLength());
        p.dentryAdded();
        w.putPartition(p.info());
        return CreateNodeResponse.newBuilder().setStatus(Statuses.OK).setInode(inode).setParent(updatedParent)
                .build();
    }

    public static GetDentryResponse get(MetaReader reader, GetDentryRequest r) {
        DentryNames.validate(r.getName());
        PartitionState p = PartitionState.load(reader, r.getPartition());
        p.requireOwns(r.getParentInodeId());
        TxLocks.requireUnlocked(reader, p, r.getParentInodeId(), r.getName());
        Dentry d = reader.dentry(p.id(), r.getParentInodeId(), r.getName()).orElseThrow(() ->
                new RpcException(StatusCode.DENTRY_NOT_FOUND, "no entry '" + r.getName() + "' in "
                        + r.getParentInodeId()));
        GetDentryResponse.Builder out = GetDentryResponse.newBuilder().setStatus(Statuses.OK).setDentry(d);
        if (r.getWithInode() && p.owns(d.getInodeId())) {
            reader.inode(p.id(), d.getInodeId()).ifPresent(out::setInode);
        }
        return out.build();
    }

    /** One page of a directory in name order, resuming after {@code last}. */
    public static ListDentryResponse list(MetaReader reader, ListDentryRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        ParentDirectory.require(reader, p, r.getDirInodeId());
        TxLocks.requireNoneIn(reader, p, r.getDirInodeId());
        int page = r.getCount() == 0 ? DEFAULT_PAGE : Math.min(r.getCount(), MAX_PAGE);
        List<Dentry> found = reader.listDentries(p.id(), r.getDirInodeId(), r.getLast(), page, r.getOnlyDir());
        boolean more = found.size() > page;
        return ListDentryResponse.newBuilder().setStatus(Statuses.OK)
                .addAllDentries(more ? found.subList(0, page) : found).setHasMore(more).build();
    }

    private static void requireAbsent(MetaReader reader, PartitionState p, long parent, String name) {
        TxLocks.requireUnlocked(reader, p, parent, name);
        if (reader.dentry(p.id(), parent, name).isPresent()) {
            throw new RpcException(StatusCode.DENTRY_EXIST, "'" + name + "' exists in " + parent);
        }
    }
}
