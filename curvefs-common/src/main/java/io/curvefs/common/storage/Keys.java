package io.curvefs.common.storage;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.util.Arrays;
import java.util.function.BiPredicate;

/** Byte-key helpers shared by the stores. */
public final class Keys {
    private Keys() {
    }

    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Read options for a scan of {@code prefix}: the iterator stops at the first key past the prefix.
     * Without the bound a seek walks every deleted key (tombstone) after the prefix until it meets a live
     * one, which made an emptiness check of a directory cost as much as all the entries deleted nearby.
     * Close both (the options first).
     */
    static ReadOptions boundedTo(byte[] prefix, Slice[] bound) {
        ReadOptions ro = new ReadOptions();
        byte[] end = successor(prefix);
        if (end != null) {
            bound[0] = new Slice(end);
            ro.setIterateUpperBound(bound[0]);
        }
        return ro;
    }

    /** The smallest key greater than every key starting with {@code prefix}; null when there is none. */
    static byte[] successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
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
