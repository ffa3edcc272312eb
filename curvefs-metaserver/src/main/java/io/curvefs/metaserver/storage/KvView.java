package io.curvefs.metaserver.storage;

import io.curvefs.common.storage.Batch;
import io.curvefs.common.storage.RocksStore;

import java.util.function.BiPredicate;

/** The read side shared by a committed store (lease reads) and an open write batch (apply). */
public interface KvView {
    byte[] get(byte[] key);

    /** Visits keys with {@code prefix} from {@code startAt} (null = the prefix) until the visitor says stop. */
    void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor);

    static KvView of(RocksStore store) {
        return new KvView() {
            @Override
            public byte[] get(byte[] key) {
                return store.get(key);
            }

            @Override
            public void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
                store.scan(prefix, startAt, visitor);
            }
        };
    }

    static KvView of(Batch batch) {
        return new KvView() {
            @Override
            public byte[] get(byte[] key) {
                return batch.get(key);
            }

            @Override
            public void scan(byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
                batch.scan(prefix, startAt, visitor);
            }
        };
    }
}
