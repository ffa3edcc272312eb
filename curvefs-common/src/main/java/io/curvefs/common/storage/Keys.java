package io.curvefs.common.storage;

import org.rocksdb.RocksIterator;

import java.util.Arrays;
import java.util.function.BiPredicate;

/** Byte-key helpers shared by the stores. */
public final class Keys {
    private Keys() {
    }

    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static void scan(RocksIterator it, byte[] prefix, byte[] startAt, BiPredicate<byte[], byte[]> visitor) {
        it.seek(startAt == null ? prefix : startAt);
        while (it.isValid()) {
            byte[] k = it.key();
            if (!startsWith(k, prefix) || !visitor.test(k, it.value())) {
                return;
            }
            it.next();
        }
    }
}
