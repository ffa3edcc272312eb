package io.curvefs.common.storage;

import org.rocksdb.Checkpoint;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * The RocksDB behind one raft state machine. Every write batch also records the raft index it applies,
 * so that after a crash the log is replayed exactly from where the data stops. The RocksDB WAL is
 * written but not fsynced: the raft log (fsynced) is the durable record, and replay repairs whatever
 * a power cut takes from the WAL tail.
 */
public final class RocksStore implements AutoCloseable {
    /** Sorts before every user key; holds the last applied raft index. */
    static final byte[] APPLIED_INDEX_KEY = {0, 'a', 'p', 'p', 'l', 'i', 'e', 'd'};

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private RocksDB db;
    private volatile long appliedIndex;

    public RocksStore(Path dir) {
        this.dir = dir;
        open();
    }

    private void open() {
        try {
            Files.createDirectories(dir);
            Options options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.toString());
            byte[] v = db.get(APPLIED_INDEX_KEY);
            appliedIndex = v == null ? 0 : ByteBuffer.wrap(v).getLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RocksDBException e) {
            throw new StorageException("cannot open RocksDB at " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public byte[] get(byte[] key) {
        lock.readLock().lock();
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new StorageException("get failed", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Visits keys starting with {@code prefix} from {@code startAt} (inclusive, null = the prefix) in
     * order until the visitor returns false.
     */
    public void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
        lock.readLock().lock();
        Slice[] bound = new Slice[1];
        try (ReadOptions ro = Keys.boundedTo(prefix, bound); RocksIterator it = db.newIterator(ro)) {
            Keys.scan(it, prefix, startAt, visitor);
        } finally {
            if (bound[0] != null) {
                bound[0].close();
            }
            lock.readLock().unlock();
        }
    }

    /** A batch that reads its own writes; commit it with {@link #commit}. */
    public Batch newBatch() {
        lock.readLock().lock();
        try {
            return new Batch(db);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void commit(Batch batch, long index) {
        lock.readLock().lock();
        try {
            batch.put(APPLIED_INDEX_KEY, ByteBuffer.allocate(8).putLong(index).array());
            db.write(writeOptions, batch.writeBatch());
            appliedIndex = index;
        } catch (RocksDBException e) {
            throw new StorageException("write failed", e);
        } finally {
            lock.readLock().unlock();
            batch.close();
        }
    }

    /** Writes a consistent copy of the whole database into {@code target} (which must not exist). */
    public List<String> checkpointTo(Path target) {
        lock.readLock().lock();
        try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
            try (Stream<Path> files = Files.list(target)) {
                return files.map(p -> p.getFileName().toString()).sorted().toList();
            }
        } catch (RocksDBException e) {
            throw new StorageException("checkpoint failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Replaces the whole database with the files {@code names} of {@code source} (a checkpoint). */
    public void replaceWith(Path source, List<String> names) {
        lock.writeLock().lock();
        try {
            db.close();
            Path staging = dir.resolveSibling(dir.getFileName() + ".loading");
            deleteTree(staging);
            Files.createDirectories(staging);
            for (String name : names) {
                Path from = source.resolve(name);
                Path to = staging.resolve(name);
                try {
                    Files.createLink(to, from);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            deleteTree(dir);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A digest of every key and value but the applied index: equal on replicas with equal data. */
    public String checksum() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        scan(new byte[0], null, (k, v) -> {
            if (!Arrays.equals(k, APPLIED_INDEX_KEY)) {
                md.update(ByteBuffer.allocate(8).putInt(k.length).putInt(v.length).array());
                md.update(k);
                md.update(v);
            }
            return true;
        });
        return HexFormat.of().formatHex(md.digest());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (db != null) {
                db.close();
                db = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
