package io.curvefs.metaserver.dentry;

import io.curvefs.metaserver.recycle.RecycleDir;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.inode.LinkCounts;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.LinkRequest;
import io.curvefs.proto.metaserver.LinkResponse;


/**
 * link(2) as one command when the inode lives with the new entry's parent (else CROSS_PARTITION: the
 * client links in a transaction).
 */
public final class EntryLink {
    private EntryLink() {
    }

    public static LinkResponse link(MetaWriter w, LinkRequest r) {
        DentryNames.validate(r.getName());
        if (r.getType() == FsFileType.TYPE_DIRECTORY) {
            throw new RpcException(StatusCode.NOT_PERMITTED, "hard link to directory " + r.getInodeId());
        }
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode parent = ParentDirectory.require(w, p, r.getParentInodeId());
        TxLocks.requireUnlocked(w, p, r.getParentInodeId(), r.getName());
        if (w.dentry(p.id(), r.getParentInodeId(), r.getName()).isPresent()) {
            throw new RpcException(StatusCode.DENTRY_EXIST, "'" + r.getName() + "' exists in " + r.getParentInodeId());
        }
        RecycleDir.requirePlaceable(r.getParentInodeId(), r.getName(), r.getType());
        if (!p.owns(r.getInodeId())) {
            throw new RpcException(StatusCode.CROSS_PARTITION, "inode " + r.getInodeId()
                    + " lives in another partition: the name and its link count go together in a transaction");
        }
        Inode target = EntryRemoval.localInode(w, p, r.getInodeId()).orElseThrow(() ->
                new RpcException(StatusCode.INODE_NOT_FOUND, "no inode " + r.getInodeId()));
        LinkResponse.Builder out = LinkResponse.newBuilder().setStatus(Statuses.OK).setInodeLocal(true)
                .setInode(LinkCounts.add(w, p, target, r.getParentInodeId(), r.getTime()));
        w.putDentry(p.id(), Dentry.newBuilder().setFsId(p.fsId()).setParentInodeId(r.getParentInodeId())
                .setName(r.getName()).setInodeId(r.getInodeId()).setType(r.getType()).build());
        p.dentryAdded();
        Inode after = ParentDirectory.linked(parent, r.getType(), r.getTime());
        w.putInode(p.id(), after);
        w.putPartition(p.info());
        return out.setParent(after).build();
    }
}
