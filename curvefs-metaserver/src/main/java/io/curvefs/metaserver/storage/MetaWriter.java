package io.curvefs.metaserver.storage;

import io.curvefs.common.storage.Batch;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FileLocks;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PendingObjects;
import io.curvefs.proto.metaserver.RequestRecord;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.TxRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Typed writes into the batch of the raft entries being applied; reads see the batch's own writes. */
public final class MetaWriter extends MetaReader {
    private final Batch batch;

    public MetaWriter(Batch batch) {
        super(KvView.of(batch));
        this.batch = batch;
    }

    public void putPartition(PartitionInfo info) {
        batch.put(MetaKeys.partition(info.getPartitionId()), info.toByteArray());
    }

    /** Stores the inode's attributes; its chunk infos live in their own table. */
    public void putInode(int partitionId, Inode inode) {
        batch.put(MetaKeys.inode(partitionId, inode.getInodeId()),
                inode.toBuilder().clearS3ChunkInfoMap().build().toByteArray());
    }

    public void deleteInode(int partitionId, long ino) {
        batch.delete(MetaKeys.inode(partitionId, ino));
        deletePrefix(MetaKeys.chunksOf(partitionId, ino));
    }

    public void putDentry(int partitionId, Dentry dentry) {
        batch.put(MetaKeys.dentry(partitionId, dentry.getParentInodeId(), dentry.getName()), dentry.toByteArray());
    }

    public void deleteDentry(int partitionId, long parent, String name) {
        batch.delete(MetaKeys.dentry(partitionId, parent, name));
    }

    public void putTxLock(int partitionId, long parent, String name, String txId) {
        batch.put(MetaKeys.txLock(partitionId, parent, name), txId.getBytes(StandardCharsets.UTF_8));
    }

    public void deleteTxLock(int partitionId, long parent, String name) {
        batch.delete(MetaKeys.txLock(partitionId, parent, name));
    }

    public void putTxInodeLock(int partitionId, long ino, String txId) {
        batch.put(MetaKeys.txInodeLock(partitionId, ino), txId.getBytes(StandardCharsets.UTF_8));
    }

    public void deleteTxInodeLock(int partitionId, long ino) {
        batch.delete(MetaKeys.txInodeLock(partitionId, ino));
    }

    public void putTx(int partitionId, TxRecord tx) {
        batch.put(MetaKeys.tx(partitionId, tx.getTxId()), tx.toByteArray());
    }

    public void deleteTx(int partitionId, String txId) {
        batch.delete(MetaKeys.tx(partitionId, txId));
    }

    /**
     * Appends the infos of one chunk; the raft index keeps appends in order (a compaction writes its
     * infos under the newest key it replaces, which keeps them before later appends).
     */
    public void appendChunk(int partitionId, long ino, long chunkIndex, long raftIndex, S3ChunkInfoList infos) {
        batch.put(MetaKeys.chunk(partitionId, ino, chunkIndex, raftIndex), infos.toByteArray());
    }

    public void deleteChunk(int partitionId, long ino, long chunkIndex, long raftIndex) {
        batch.delete(MetaKeys.chunk(partitionId, ino, chunkIndex, raftIndex));
    }

    public void putPendingDelete(int partitionId, long deleteAfterMs, long raftIndex, PendingObjects objects) {
        batch.put(MetaKeys.pendingDelete(partitionId, deleteAfterMs, raftIndex), objects.toByteArray());
    }

    public void deletePendingDelete(int partitionId, long deleteAfterMs, long raftIndex) {
        batch.delete(MetaKeys.pendingDelete(partitionId, deleteAfterMs, raftIndex));
    }

    public void putTrash(int partitionId, long dtime, long ino) {
        batch.put(MetaKeys.trash(partitionId, dtime, ino), new byte[0]);
    }

    public void deleteTrash(int partitionId, long dtime, long ino) {
        batch.delete(MetaKeys.trash(partitionId, dtime, ino));
    }

    /** Records that the client {@code holder} keeps the nameless inode open (see {@link MetaKeys#KEPT}). */
    public void putKept(int partitionId, long ino, String holder) {
        batch.put(MetaKeys.kept(partitionId, ino, holder), new byte[0]);
    }

    public void deleteKept(int partitionId, long ino, String holder) {
        batch.delete(MetaKeys.kept(partitionId, ino, holder));
    }

    /** Every hold of the inode. */
    public void deleteKept(int partitionId, long ino) {
        deletePrefix(MetaKeys.kept(partitionId, ino));
    }

    /** Stores the inode's locks; with none left, its record goes. */
    public void putFileLocks(int partitionId, long ino, FileLocks locks) {
        if (locks.getLocksCount() == 0) {
            batch.delete(MetaKeys.fileLocks(partitionId, ino));
        } else {
            batch.put(MetaKeys.fileLocks(partitionId, ino), locks.toByteArray());
        }
    }

    /** Removes every key of the partition: its record, inodes, chunk infos, dentries, trash, kept orphans,
     * transactions and pending deletions (delete-fs deletes every object of the fs by prefix). */
    public void dropPartition(int partitionId) {
        for (byte table : MetaKeys.PARTITION_TABLES) {
            deletePrefix(MetaKeys.tablePrefix(table, partitionId));
        }
    }

    public Optional<RequestRecord> requestRecord(String clientId, long seq) {
        return Optional.ofNullable(parse(batch.get(MetaKeys.requestSlot(clientId, seq)), RequestRecord.parser()));
    }

    public void putRequestRecord(String clientId, long seq, RequestRecord record) {
        batch.put(MetaKeys.requestSlot(clientId, seq), record.toByteArray());
    }

    private void deletePrefix(byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        batch.scan(prefix, null, (k, v) -> keys.add(k));
        keys.forEach(batch::delete);
    }
}
