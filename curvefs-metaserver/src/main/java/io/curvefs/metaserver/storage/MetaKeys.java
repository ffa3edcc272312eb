package io.curvefs.metaserver.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key encoding of a copyset's RocksDB (one database per copyset; also described in KEYS.md).
 * Every key starts with a one-byte table tag. Per-partition tables follow the tag with the partition
 * id as 4 big-endian bytes, so each table of a partition is one contiguous prefix: a partition is
 * dropped by deleting those prefixes, and a directory is listed by one prefix scan. Numbers are
 * big-endian so that byte order equals numeric order.
 * <pre>
 *   'P' pid                                  -> PartitionInfo (status, range, next_id, counters)
 *   'I' pid ino(8)                           -> Inode without s3_chunk_info_map
 *   'C' pid ino(8) chunkIndex(8) raftIndex(8) -> S3ChunkInfoList appended by that raft entry
 *   'D' pid parent(8) name(UTF-8)            -> Dentry (names never contain '\0', so name+'\0'
 *                                               is the first key after name)
 *   'X' pid dtime(8) ino(8)                  -> empty: the inode is in the partition's trash since
 *                                               dtime (seconds), so one prefix scan finds the oldest
 *   'R' '|' clientId(UTF-8) '|' slot(2)      -> RequestRecord: the idempotency slot seq % 1024
 *   'L' pid parent(8) name(UTF-8)            -> tx id: a rename transaction holds this name ("" = the
 *                                               whole directory, which the transaction removes)
 *   'L' pid FF*8 ino(8)                      -> tx id: a rename transaction holds this directory's place in
 *                                               the tree (no inode id is 2^64-1, so no directory's names)
 *   'T' pid txId(UTF-8)                      -> TxRecord: a rename transaction this partition takes part in
 *   'K' pid ino(8) holder(UTF-8)             -> empty: the nameless inode (in the trash) is open on the mount
 *                                               with that client id, so it is not reclaimed; its retention
 *                                               starts anew when the last holder releases it or its session
 *                                               ends
 *   'F' pid ino(8)                           -> FileLocks: the fcntl record locks and flocks held on the inode
 *   'G' pid deleteAfterMs(8) raftIndex(8)    -> PendingObjects: objects a compaction replaced, to delete
 *                                               once the grace delay has passed (oldest first)
 * </pre>
 * The raft applied index lives under a key starting with byte 0 (RocksStore), outside these tables.
 */
public final class MetaKeys {
    public static final byte PARTITION = 'P';
    public static final byte INODE = 'I';
    public static final byte CHUNK = 'C';
    public static final byte DENTRY = 'D';
    public static final byte REQUEST = 'R';
    public static final byte TRASH = 'X';
    public static final byte TX_LOCK = 'L';
    public static final byte TX = 'T';
    public static final byte KEPT = 'K';
    public static final byte PENDING_DELETE = 'G';
    public static final byte FILE_LOCKS = 'F';

    /** The tables holding one partition's keys, all dropped with the partition. */
    public static final byte[] PARTITION_TABLES = {PARTITION, INODE, CHUNK, DENTRY, TRASH, TX_LOCK, TX, KEPT,
            PENDING_DELETE, FILE_LOCKS};

    /** Idempotency slots per client: a retry is recognised while fewer than this many later sequences
     * of the same client have reused its slot in this copyset. */
    public static final int REQUEST_SLOTS = 1024;

    private MetaKeys() {
    }

    public static byte[] tablePrefix(byte table, int partitionId) {
        return ByteBuffer.allocate(5).put(table).putInt(partitionId).array();
    }

    public static byte[] allPartitions() {
        return new byte[] {PARTITION};
    }

    public static byte[] partition(int partitionId) {
        return tablePrefix(PARTITION, partitionId);
    }

    public static byte[] inode(int partitionId, long ino) {
        return ByteBuffer.allocate(13).put(INODE).putInt(partitionId).putLong(ino).array();
    }

    public static byte[] inodes(int partitionId) {
        return tablePrefix(INODE, partitionId);
    }

    public static byte[] chunksOf(int partitionId, long ino) {
        return ByteBuffer.allocate(13).put(CHUNK).putInt(partitionId).putLong(ino).array();
    }

    public static byte[] chunk(int partitionId, long ino, long chunkIndex, long raftIndex) {
        return ByteBuffer.allocate(29).put(CHUNK).putInt(partitionId).putLong(ino).putLong(chunkIndex)
                .putLong(raftIndex).array();
    }

    /** The chunk index of a key made by {@link #chunk}. */
    public static long chunkIndexOf(byte[] chunkKey) {
        return ByteBuffer.wrap(chunkKey, 13, 8).getLong();
    }

    /** The raft index of the entry that appended a key made by {@link #chunk}. */
    public static long chunkRaftIndexOf(byte[] chunkKey) {
        return ByteBuffer.wrap(chunkKey, 21, 8).getLong();
    }

    /** The keys of one chunk of an inode, in append order. */
    public static byte[] chunkAppends(int partitionId, long ino, long chunkIndex) {
        return ByteBuffer.allocate(21).put(CHUNK).putInt(partitionId).putLong(ino).putLong(chunkIndex).array();
    }

    /** The inode of a key made by {@link #chunk}. */
    public static long chunkInodeOf(byte[] chunkKey) {
        return ByteBuffer.wrap(chunkKey, 5, 8).getLong();
    }

    public static byte[] pendingDelete(int partitionId, long deleteAfterMs, long raftIndex) {
        return ByteBuffer.allocate(21).put(PENDING_DELETE).putInt(partitionId).putLong(deleteAfterMs)
                .putLong(raftIndex).array();
    }

    /** The time after which the objects of a key made by {@link #pendingDelete} may go. */
    public static long pendingDeleteAfterOf(byte[] key) {
        return ByteBuffer.wrap(key, 5, 8).getLong();
    }

    /** The raft index of a key made by {@link #pendingDelete}. */
    public static long pendingRaftIndexOf(byte[] key) {
        return ByteBuffer.wrap(key, 13, 8).getLong();
    }

    public static byte[] dentriesOf(int partitionId, long parent) {
        return ByteBuffer.allocate(13).put(DENTRY).putInt(partitionId).putLong(parent).array();
    }

    public static byte[] dentry(int partitionId, long parent, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(13 + n.length).put(DENTRY).putInt(partitionId).putLong(parent).put(n).array();
    }

    /** The smallest dentry key after {@code name} in its directory. */
    public static byte[] dentryAfter(int partitionId, long parent, String name) {
        byte[] key = dentry(partitionId, parent, name);
        byte[] next = new byte[key.length + 1];
        System.arraycopy(key, 0, next, 0, key.length);
        return next;
    }

    public static byte[] trash(int partitionId, long dtime, long ino) {
        return ByteBuffer.allocate(21).put(TRASH).putInt(partitionId).putLong(dtime).putLong(ino).array();
    }

    /** The deletion time of a key made by {@link #trash}. */
    public static long trashDtimeOf(byte[] trashKey) {
        return ByteBuffer.wrap(trashKey, 5, 8).getLong();
    }

    /** The inode of a key made by {@link #trash}. */
    public static long trashInodeOf(byte[] trashKey) {
        return ByteBuffer.wrap(trashKey, 13, 8).getLong();
    }

    /** The lock of a name; {@code name} "" locks the directory {@code parent} itself. */
    public static byte[] txLock(int partitionId, long parent, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(13 + n.length).put(TX_LOCK).putInt(partitionId).putLong(parent).put(n).array();
    }

    /** Every lock in directory {@code parent}, including the one on the directory itself. */
    public static byte[] txLocksIn(int partitionId, long parent) {
        return txLock(partitionId, parent, "");
    }

    /** The lock of a directory's parent (see the class comment). */
    public static byte[] txInodeLock(int partitionId, long ino) {
        return ByteBuffer.allocate(21).put(TX_LOCK).putInt(partitionId).putLong(-1L).putLong(ino).array();
    }

    public static byte[] tx(int partitionId, String txId) {
        byte[] id = txId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + id.length).put(TX).putInt(partitionId).put(id).array();
    }

    public static byte[] txs(int partitionId) {
        return tablePrefix(TX, partitionId);
    }

    /** The prefix of every hold of one inode. */
    public static byte[] kept(int partitionId, long ino) {
        return ByteBuffer.allocate(13).put(KEPT).putInt(partitionId).putLong(ino).array();
    }

    public static byte[] kept(int partitionId, long ino, String holder) {
        byte[] h = holder.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(13 + h.length).put(KEPT).putInt(partitionId).putLong(ino).put(h).array();
    }

    public static byte[] fileLocks(int partitionId, long ino) {
        return ByteBuffer.allocate(13).put(FILE_LOCKS).putInt(partitionId).putLong(ino).array();
    }

    /** The inode of a key made by {@link #kept} or {@link #fileLocks}. */
    public static long keptInodeOf(byte[] keptKey) {
        return ByteBuffer.wrap(keptKey, 5, 8).getLong();
    }

    /** The holder of a key made by {@link #kept(int, long, String)}. */
    public static String keptHolderOf(byte[] keptKey) {
        return new String(keptKey, 13, keptKey.length - 13, StandardCharsets.UTF_8);
    }

    public static byte[] requestSlot(String clientId, long seq) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(id.length + 5).put(REQUEST).put((byte) '|').put(id).put((byte) '|')
                .putShort((short) Math.floorMod(seq, REQUEST_SLOTS)).array();
    }
}
