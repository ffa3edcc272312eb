package io.curvefs.metaserver.inode;

import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.AppendS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.GetS3ChunkInfoRequest;
import io.curvefs.proto.metaserver.GetS3ChunkInfoResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.util.Map;
import java.util.TreeMap;

/** The S3 chunk infos of a file: appended after each upload, read back to locate data. */
public final class ChunkOperations {
    private ChunkOperations() {
    }

    /**
     * Appends one record per chunk index under the entry's raft index, so that later appends sort after
     * earlier ones (newest wins on overlap when the client merges them), and applies the new length.
     */
    public static AppendS3ChunkInfoResponse append(MetaWriter w, long raftIndex, AppendS3ChunkInfoRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        Inode old = InodeOperations.require(w, p, r.getInodeId());
        for (Map.Entry<Long, S3ChunkInfoList> e : new TreeMap<>(r.getAddMap()).entrySet()) {
            if (e.getValue().getInfosCount() > 0) {
                w.appendChunk(p.id(), old.getInodeId(), e.getKey(), raftIndex, e.getValue());
            }
        }
        Inode.Builder b = old.toBuilder();
        if (r.hasLength()) {
            b.setLength(r.getLength());
            InodeOperations.countLength(w, p, old, r.getLength());
        }
        if (r.hasMtime()) {
            // new data or a new length changes the inode too: POSIX stamps ctime with mtime
            b.setMtime(r.getMtime().getSec()).setMtimeNs(r.getMtime().getNsec())
                    .setCtime(r.getMtime().getSec()).setCtimeNs(r.getMtime().getNsec());
        }
        Inode updated = b.build();
        if (!updated.equals(old)) {
            w.putInode(p.id(), updated);
            w.putPartition(p.info());
        }
        return AppendS3ChunkInfoResponse.newBuilder().setStatus(Statuses.OK).setInode(updated).build();
    }

    public static GetS3ChunkInfoResponse get(MetaReader reader, GetS3ChunkInfoRequest r) {
        PartitionState p = PartitionState.load(reader, r.getPartition());
        Inode inode = InodeOperations.require(reader, p, r.getInodeId());
        return GetS3ChunkInfoResponse.newBuilder().setStatus(Statuses.OK)
                .putAllInfos(reader.chunks(p.id(), inode.getInodeId(), r.getChunkIndexesList())).build();
    }
}
