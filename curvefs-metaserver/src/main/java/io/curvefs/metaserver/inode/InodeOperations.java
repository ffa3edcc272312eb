package io.curvefs.metaserver.inode;

import io.curvefs.common.meta.RecycleNames;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.dentry.ParentDirectory;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.metaserver.trash.Trash;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.BatchGetInodeAttrRequest;
import io.curvefs.proto.metaserver.BatchGetInodeAttrResponse;
import io.curvefs.proto.metaserver.CreateInodeRequest;
import io.curvefs.proto.metaserver.CreateInodeResponse;
import io.curvefs.proto.metaserver.CreateRootInodeRequest;
import io.curvefs.proto.metaserver.CreateRootInodeResponse;
import io.curvefs.proto.metaserver.DeleteInodeRequest;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.DeleteInodeResponse;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetInodeRequest;
import io.curvefs.proto.metaserver.GetInodeResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import io.curvefs.proto.metaserver.UpdateInodeResponse;

import java.util.ArrayList;
import java.util.List;

/** Inode mutations (applied from the raft log) and reads. */
public final class InodeOperations {
    public static final long ROOT_ID = 1;
    /** Mode of the root directory when the request names none: drwxr-xr-x. */
    static final int DEFAULT_ROOT_MODE = 040755;

    private InodeOperations() {
    }

    /** Idempotent: an existing root (and recycle directory) is returned as it is. */
    public static CreateRootInodeResponse createRoot(MetaWriter w, CreateRootInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        p.requireOwns(ROOT_ID);
        Inode root = w.inode(p.id(), ROOT_ID).orElse(null);
        if (root == null) {
            root = NewInode.build(ROOT_ID, p.fsId(), FsFileType.TYPE_DIRECTORY,
                    r.getMode() == 0 ? DEFAULT_ROOT_MODE : r.getMode(), r.getUid(), r.getGid(), 0, "", 0,
                    r.getTime(), 0);
            w.putInode(p.id(), root);
            p.inodeAdded(root.getType(), root.getLength());
            p.markHoldsRoot();
        }
        if (r.getWithRecycle() && w.inode(p.id(), RecycleNames.INODE).isEmpty()) {
            root = addRecycleDir(w, p, root, r.getTime());
        }
        w.putPartition(p.info());
        return CreateRootInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(root).build();
    }

    /** Inode 2 and its entry {@code .recycle} under the root; answers the root afterwards. */
    private static Inode addRecycleDir(MetaWriter w, PartitionState p, Inode root, Time time) {
        p.requireOwns(RecycleNames.INODE);
        Inode recycle = NewInode.build(RecycleNames.INODE, p.fsId(), FsFileType.TYPE_DIRECTORY, RecycleNames.MODE,
                0, 0, 0, "", 0, time, ROOT_ID);
        w.putInode(p.id(), recycle);
        p.inodeAdded(recycle.getType(), recycle.getLength());
        w.putDentry(p.id(), Dentry.newBuilder().setFsId(p.fsId()).setParentInodeId(ROOT_ID)
                .setName(RecycleNames.NAME).setInodeId(RecycleNames.INODE).setType(FsFileType.TYPE_DIRECTORY).build());
        p.dentryAdded();
        Inode after = ParentDirectory.linked(root, FsFileType.TYPE_DIRECTORY, time);
        w.putInode(p.id(), after);
        return after;
    }

    public static CreateInodeResponse create(MetaWriter w, CreateInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        p.requireWritable();
        // built before the id is taken so that a refused request allocates nothing
        Inode probe = NewInode.build(0, p.fsId(), r.getType(), r.getMode(), r.getUid(), r.getGid(), r.getRdev(),
                r.getSymlink(), r.getLength(), r.getTime(), r.getParent());
        Inode inode = probe.toBuilder().setInodeId(p.allocateId()).build();
        w.putInode(p.id(), inode);
        p.inodeAdded(inode.getType(), inode.getLength());
        w.putPartition(p.info());
        return CreateInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(inode).build();
    }

    /** Changes only the fields present in the request. */
    public static UpdateInodeResponse update(MetaWriter w, UpdateInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode old = require(w, p, r.getInodeId());
        Inode.Builder b = old.toBuilder();
        if (r.hasLength()) {
            b.setLength(r.getLength());
            countLength(w, p, old, r.getLength());
        }
        if (r.hasCtime()) {
            b.setCtime(r.getCtime().getSec()).setCtimeNs(r.getCtime().getNsec());
        }
        if (r.hasMtime()) {
            b.setMtime(r.getMtime().getSec()).setMtimeNs(r.getMtime().getNsec());
        }
        if (r.hasAtime()) {
            b.setAtime(r.getAtime().getSec()).setAtimeNs(r.getAtime().getNsec());
        }
        if (r.hasUid()) {
            b.setUid(r.getUid());
        }
        if (r.hasGid()) {
            b.setGid(r.getGid());
        }
        if (r.hasMode()) {
            b.setMode(NewInode.keepTypeBits(old.getMode(), r.getMode()));
        }
        if (r.hasNlink()) {
            b.setNlink(r.getNlink());
        }
        if (r.getNlinkDelta() != 0) {
            b.setNlink(Math.max(0, b.getNlink() + r.getNlinkDelta()));
        }
        b.putAllXattr(r.getXattrSetMap());
        r.getXattrRemoveList().forEach(b::removeXattr);
        List<Long> parents = new ArrayList<>(old.getParentList());
        parents.removeAll(r.getParentRemoveList());
        for (long added : r.getParentAddList()) {
            if (!parents.contains(added)) {
                parents.add(added);
            }
        }
        b.clearParent().addAllParent(parents);
        if (b.getNlink() > 0 && Trash.holds(w, p.id(), old)) {
            // a link racing with the last unlink on another mount: the reclaimer would delete a named inode
            throw new RpcException(StatusCode.INODE_NOT_FOUND, "inode " + old.getInodeId() + " is in the trash");
        }
        Inode updated = b.build();
        w.putInode(p.id(), updated);
        w.putPartition(p.info());
        return UpdateInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(updated).build();
    }

    /**
     * Deletes an (empty) directory at once; any other inode enters the trash, where its data waits for
     * reclaim. With a holder: that mount released the nameless file (see {@link Trash#release}).
     */
    public static DeleteInodeResponse delete(MetaWriter w, DeleteInodeRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode old = require(w, p, r.getInodeId());
        if (old.getType() == FsFileType.TYPE_DIRECTORY) {
            LinkCounts.requireEmptyDirectory(w, p, old);
            LinkCounts.deleteDirectory(w, p, old);
        } else if (r.getHolder().isEmpty()) {
            Trash.put(w, p, old, r.getTime().getSec());
        } else {
            Trash.release(w, p, old, r.getHolder(), r.getTime().getSec());
        }
        w.putPartition(p.info());
        return DeleteInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(old).build();
    }

    /** A new length counts in the partition's bytes unless the inode is in the trash (counted out there). */
    static void countLength(MetaReader reader, PartitionState p, Inode old, long newLength) {
        if (!Trash.holds(reader, p.id(), old)) {
            p.lengthChanged(old.getType(), old.getLength(), newLength);
        }
    }

    public static GetInodeResponse get(MetaReader reader, GetInodeRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        Inode inode = require(reader, p, r.getInodeId());
        if (r.getWithChunks()) {
            inode = inode.toBuilder().putAllS3ChunkInfoMap(reader.chunks(p.id(), r.getInodeId(), List.of())).build();
        }
        return GetInodeResponse.newBuilder().setStatus(Statuses.OK).setInode(inode).build();
    }

    /** Ids that are not found (or belong to another partition) are left out of the answer. */
    public static BatchGetInodeAttrResponse batchGetAttr(MetaReader reader, BatchGetInodeAttrRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        BatchGetInodeAttrResponse.Builder out = BatchGetInodeAttrResponse.newBuilder().setStatus(Statuses.OK);
        for (long ino : r.getInodeIdsList()) {
            if (p.owns(ino)) {
                reader.inode(p.id(), ino).ifPresent(out::addAttrs);
            }
        }
        return out.build();
    }

    /** The inode, which must be in the partition's range and exist. */
    public static Inode require(MetaReader reader, PartitionState p, long ino) {
        p.requireOwns(ino);
        return reader.inode(p.id(), ino).orElseThrow(() -> notFound(ino));
    }

    private static RpcException notFound(long ino) {
        return new RpcException(StatusCode.INODE_NOT_FOUND, "no inode " + ino);
    }
}
