package io.curvefs.metaserver.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.curvefs.common.storage.StorageException;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FileLocks;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.PendingObjects;
import io.curvefs.proto.metaserver.S3ChunkInfoList;
import io.curvefs.proto.metaserver.TxRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Typed reads of the tables described in {@link MetaKeys}. */
public class MetaReader {
    private final KvView kv;

    public MetaReader(KvView kv) {
        this.kv = kv;
    }

    public Optional<PartitionInfo> partition(int partitionId) {
        return Optional.ofNullable(parse(kv.get(MetaKeys.partition(partitionId)), PartitionInfo.parser()));
    }

    public List<PartitionInfo> partitions() {
        List<PartitionInfo> out = new ArrayList<>();
        kv.scan(MetaKeys.allPartitions(), null, (k, v) -> out.add(parse(v, PartitionInfo.parser())));
        return out;
    }

    public Optional<Inode> inode(int partitionId, long ino) {
        return Optional.ofNullable(parse(kv.get(MetaKeys.inode(partitionId, ino)), Inode.parser()));
    }

    public Optional<Dentry> dentry(int partitionId, long parent, String name) {
        return Optional.ofNullable(parse(kv.get(MetaKeys.dentry(partitionId, parent, name)), Dentry.parser()));
    }

    /** True when the directory has at least one entry. */
    public boolean hasDentries(int partitionId, long parent) {
        boolean[] found = {false};
        kv.scan(MetaKeys.dentriesOf(partitionId, parent), null, (k, v) -> {
            found[0] = true;
            return false;
        });
        return found[0];
    }

    /**
     * Up to {@code limit} entries of a directory after {@code last} ("" = from the start), in name order;
     * the page holds one more entry than asked when more remain, so callers can tell.
     */
    public List<Dentry> listDentries(int partitionId, long parent, String last, int limit, boolean onlyDirs) {
        byte[] prefix = MetaKeys.dentriesOf(partitionId, parent);
        byte[] start = last.isEmpty() ? null : MetaKeys.dentryAfter(partitionId, parent, last);
        List<Dentry> out = new ArrayList<>();
        kv.scan(prefix, start, (k, v) -> {
            Dentry d = parse(v, Dentry.parser());
            if (!onlyDirs || d.getType() == FsFileType.TYPE_DIRECTORY) {
                out.add(d);
            }
            return out.size() <= limit;
        });
        return out;
    }

    /** The transaction holding the name ("" = the directory itself), if any. */
    public Optional<String> txLock(int partitionId, long parent, String name) {
        byte[] v = kv.get(MetaKeys.txLock(partitionId, parent, name));
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    /** A transaction holding some name of the directory or the directory itself, if any. */
    public Optional<String> anyTxLockIn(int partitionId, long parent) {
        String[] found = {null};
        kv.scan(MetaKeys.txLocksIn(partitionId, parent), null, (k, v) -> {
            found[0] = new String(v, StandardCharsets.UTF_8);
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    /** The transaction holding the directory's parent, if any. */
    public Optional<String> txInodeLock(int partitionId, long ino) {
        byte[] v = kv.get(MetaKeys.txInodeLock(partitionId, ino));
        return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    public Optional<TxRecord> tx(int partitionId, String txId) {
        return Optional.ofNullable(parse(kv.get(MetaKeys.tx(partitionId, txId)), TxRecord.parser()));
    }

    public List<TxRecord> txs(int partitionId) {
        List<TxRecord> out = new ArrayList<>();
        kv.scan(MetaKeys.txs(partitionId), null, (k, v) -> out.add(parse(v, TxRecord.parser())));
        return out;
    }

    /** Chunk infos of an inode by chunk index, each list in append order; {@code only} empty = all. */
    public TreeMap<Long, S3ChunkInfoList> chunks(int partitionId, long ino, Collection<Long> only) {
        TreeMap<Long, S3ChunkInfoList.Builder> merged = new TreeMap<>();
        kv.scan(MetaKeys.chunksOf(partitionId, ino), null, (k, v) -> {
            long index = MetaKeys.chunkIndexOf(k);
            if (only.isEmpty() || only.contains(index)) {
                merged.computeIfAbsent(index, i -> S3ChunkInfoList.newBuilder())
                        .addAllInfos(parse(v, S3ChunkInfoList.parser()).getInfosList());
            }
            return true;
        });
        TreeMap<Long, S3ChunkInfoList> out = new TreeMap<>();
        merged.forEach((index, list) -> out.put(index, list.build()));
        return out;
    }

    /** The raft index of the newest chunk info append of the inode, 0 when it has none. */
    public long lastChunkAppend(int partitionId, long ino) {
        long[] last = {0};
        kv.scan(MetaKeys.chunksOf(partitionId, ino), null, (k, v) -> {
            last[0] = Math.max(last[0], MetaKeys.chunkRaftIndexOf(k));
            return true;
        });
        return last[0];
    }

    /** The keys of one chunk of an inode, in append order. */
    public List<ChunkAppend> chunkAppends(int partitionId, long ino, long chunkIndex) {
        List<ChunkAppend> out = new ArrayList<>();
        kv.scan(MetaKeys.chunkAppends(partitionId, ino, chunkIndex), null, (k, v) -> out.add(
                new ChunkAppend(MetaKeys.chunkRaftIndexOf(k), parse(v, S3ChunkInfoList.parser()))));
        return out;
    }

    /**
     * Visits the chunk-info keys of a partition from inode {@code fromIno} on, in key order (inode, chunk,
     * append), until the visitor says stop.
     */
    public void scanChunks(int partitionId, long fromIno, ChunkVisitor visitor) {
        kv.scan(MetaKeys.tablePrefix(MetaKeys.CHUNK, partitionId), MetaKeys.chunksOf(partitionId, fromIno),
                (k, v) -> visitor.visit(MetaKeys.chunkInodeOf(k), MetaKeys.chunkIndexOf(k),
                        parse(v, S3ChunkInfoList.parser())));
    }

    /** Receives chunk-info keys; answers whether to go on. */
    @FunctionalInterface
    public interface ChunkVisitor {
        boolean visit(long ino, long chunkIndex, S3ChunkInfoList infos);
    }

    /** Up to {@code limit} pending deletions of the partition due at or before {@code nowMs}, oldest first. */
    public List<PendingDelete> pendingDeletesUpTo(int partitionId, long nowMs, int limit) {
        List<PendingDelete> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        kv.scan(MetaKeys.tablePrefix(MetaKeys.PENDING_DELETE, partitionId), null, (k, v) -> {
            long due = MetaKeys.pendingDeleteAfterOf(k);
            if (due > nowMs) {
                return false;
            }
            out.add(new PendingDelete(due, MetaKeys.pendingRaftIndexOf(k), parse(v, PendingObjects.parser())));
            return out.size() < limit;
        });
        return out;
    }

    public boolean inTrash(int partitionId, long dtime, long ino) {
        return kv.get(MetaKeys.trash(partitionId, dtime, ino)) != null;
    }

    /** Up to {@code limit} trash entries of the partition deleted at or before {@code maxDtime}, oldest first. */
    public List<TrashEntry> trashUpTo(int partitionId, long maxDtime, int limit) {
        List<TrashEntry> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        kv.scan(MetaKeys.tablePrefix(MetaKeys.TRASH, partitionId), null, (k, v) -> {
            long dtime = MetaKeys.trashDtimeOf(k);
            if (dtime > maxDtime) {
                return false;
            }
            out.add(new TrashEntry(MetaKeys.trashInodeOf(k), dtime));
            return out.size() < limit;
        });
        return out;
    }

    /** A mount (by client id) that has a nameless inode open. */
    public record Hold(long ino, String holder) {
    }

    /** Up to {@code limit} holds of nameless inodes of the partition by the mounts that have them open. */
    public List<Hold> kept(int partitionId, int limit) {
        List<Hold> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        kv.scan(MetaKeys.tablePrefix(MetaKeys.KEPT, partitionId), null, (k, v) -> {
            out.add(new Hold(MetaKeys.keptInodeOf(k), MetaKeys.keptHolderOf(k)));
            return out.size() < limit;
        });
        return out;
    }

    /** Whether any mount holds the inode open (see {@link MetaKeys#KEPT}). */
    public boolean isHeld(int partitionId, long ino) {
        boolean[] held = {false};
        kv.scan(MetaKeys.kept(partitionId, ino), null, (k, v) -> {
            held[0] = true;
            return false;
        });
        return held[0];
    }

    public boolean isHeldBy(int partitionId, long ino, String holder) {
        return kv.get(MetaKeys.kept(partitionId, ino, holder)) != null;
    }

    /** The locks held on an inode (none: an empty list). */
    public FileLocks fileLocks(int partitionId, long ino) {
        FileLocks locks = parse(kv.get(MetaKeys.fileLocks(partitionId, ino)), FileLocks.parser());
        return locks != null ? locks : FileLocks.getDefaultInstance();
    }

    /** Up to {@code limit} inodes of the partition that have locks, from the lowest id, with their locks. */
    public Map<Long, FileLocks> lockedInodes(int partitionId, int limit) {
        Map<Long, FileLocks> out = new LinkedHashMap<>();
        if (limit <= 0) {
            return out;
        }
        kv.scan(MetaKeys.tablePrefix(MetaKeys.FILE_LOCKS, partitionId), null, (k, v) -> {
            out.put(MetaKeys.keptInodeOf(k), parse(v, FileLocks.parser()));
            return out.size() < limit;
        });
        return out;
    }

    protected static <T extends Message> T parse(byte[] bytes, Parser<T> parser) {
        if (bytes == null) {
            return null;
        }
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt record", e);
        }
    }
}
