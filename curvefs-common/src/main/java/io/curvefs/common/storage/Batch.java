package io.curvefs.common.storage;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatchWithIndex;

import java.util.function.BiPredicate;

/**
 * The writes of the raft entries applied in one go. Reads see the database plus the writes already in
 * the batch, so that entry N+1 observes entry N before anything reaches the disk.
 */
public final class Batch implements AutoCloseable {
    private final RocksDB db;
    private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
    private final ReadOptions readOptions = new ReadOptions();

    Batch(RocksDB db) {
        this.db = db;
    }

    public byte[] get(byte[] key) {
        try {
            return batch.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("get failed", e);
        }
    }

    public void put(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw new StorageException("put failed", e);
        }
    }

    public void delete(byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw new StorageException("delete failed", e);
        }
    }

    /** Same contract as {@link RocksStore#scan}, seeing the batch's own writes. */
    public void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
        Slice[] bound = new Slice[1];
        try (ReadOptions ro = Keys.boundedTo(prefix, bound); RocksIterator base = db.newIterator(ro);
             RocksIterator it = batch.newIteratorWithBase(base)) {
            Keys.scan(it, prefix, startAt, visitor);
        } finally {
            if (bound[0] != null) {
                bound[0].close();
            }
        }
    }

    WriteBatchWithIndex writeBatch() {
        return batch;
    }

    @Override
    public void close() {
        batch.close();
        readOptions.close();
    }
}
