package io.curvefs.metaserver.compaction;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.metaserver.partition.PartitionState;
import io.curvefs.metaserver.storage.ChunkAppend;
import io.curvefs.metaserver.storage.MetaWriter;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.ChunkReplacement;
import io.curvefs.proto.metaserver.CompactionRequest;
import io.curvefs.proto.metaserver.CompactionResponse;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PendingKey;
import io.curvefs.proto.metaserver.PendingObjects;
import io.curvefs.proto.metaserver.ReplaceChunks;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.util.ArrayList;
import java.util.List;

/**
 * The replicated side of compaction, applied inside the batch of its raft entry: the replacement of a
 * file's chunk infos (with the replaced objects recorded as pending deletion in the same batch, so a
 * leader change never loses them), and the end of pending deletions whose objects are gone.
 */
public final class Compaction {
    private Compaction() {
    }

    public static CompactionResponse apply(MetaWriter w, long raftIndex, CompactionRequest r) {
        PartitionState p = PartitionState.load(w, r.getPartition());
        switch (r.getKindCase()) {
            case REPLACE -> replace(w, p.id(), raftIndex, r.getReplace());
            case PURGE -> {
                for (PendingKey k : r.getPurge().getKeysList()) {
                    w.deletePendingDelete(p.id(), k.getDeleteAfterMs(), k.getRaftIndex());
                }
            }
            case KIND_NOT_SET -> throw new RpcException(StatusCode.INVALID_ARGUMENT, "a compaction request needs a kind");
        }
        return CompactionResponse.newBuilder().setStatus(Statuses.OK).build();
    }

    /**
     * Refused (before writing anything) unless the inode is still a file with names, at least as long as
     * the plan assumed, and each chunk's keys up to the newest replaced one are exactly those the plan
     * read, holding exactly the infos it read (another compaction or a deletion changes them).
     */
    private static void replace(MetaWriter w, int pid, long raftIndex, ReplaceChunks r) {
        long ino = r.getInodeId();
        Inode inode = w.inode(pid, ino).orElseThrow(() -> stale(ino, "is gone"));
        if (inode.getNlink() == 0) {
            throw stale(ino, "is in the trash");
        }
        if (inode.getLength() < r.getLength()) {
            throw stale(ino, "was truncated to " + inode.getLength() + " below " + r.getLength());
        }
        for (ChunkReplacement c : r.getChunksList()) {
            if (c.getReplacedKeysCount() == 0 || !c.getReplacedKeysList().equals(current(w, pid, ino, c))) {
                throw stale(ino, "has other chunk infos in chunk " + c.getChunkIndex() + " than the compactor read");
            }
        }
        List<S3ChunkInfo> replacedObjects = new ArrayList<>();
        for (ChunkReplacement c : r.getChunksList()) {
            long newest = c.getReplacedKeys(c.getReplacedKeysCount() - 1);
            boolean keepsNewest = c.getCompacted().getInfosCount() > 0;
            for (long key : c.getReplacedKeysList()) {
                if (key != newest || !keepsNewest) {
                    w.deleteChunk(pid, ino, c.getChunkIndex(), key);
                }
            }
            if (keepsNewest) {
                w.appendChunk(pid, ino, c.getChunkIndex(), newest, c.getCompacted());
            }
            c.getReplaced().getInfosList().stream().filter(i -> !i.getZero() && i.getLen() > 0)
                    .forEach(replacedObjects::add);
        }
        if (!replacedObjects.isEmpty()) {
            w.putPendingDelete(pid, r.getDeleteAfterMs(), raftIndex, PendingObjects.newBuilder().setInodeId(ino)
                    .setInfos(S3ChunkInfoList.newBuilder().addAllInfos(replacedObjects)).build());
        }
    }

    /** The chunk's keys up to the newest the plan replaces, if they hold the infos it read; else null. */
    private static List<Long> current(MetaWriter w, int pid, long ino, ChunkReplacement c) {
        long newest = c.getReplacedKeys(c.getReplacedKeysCount() - 1);
        List<Long> keys = new ArrayList<>();
        S3ChunkInfoList.Builder infos = S3ChunkInfoList.newBuilder();
        for (ChunkAppend a : w.chunkAppends(pid, ino, c.getChunkIndex())) {
            if (a.raftIndex() > newest) {
                break;
            }
            keys.add(a.raftIndex());
            infos.addAllInfos(a.infos().getInfosList());
        }
        return infos.build().equals(c.getReplaced()) ? keys : null;
    }

    private static RpcException stale(long ino, String why) {
        return new RpcException(StatusCode.COMPACTION_STALE, "inode " + ino + " " + why + " since compaction read it");
    }
}
