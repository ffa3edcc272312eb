package io.curvefs.common.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BoundedScanTest {
    @TempDir
    Path dir;

    @Test
    void theSuccessorOfAPrefixIsPastEveryKeyWithIt() {
        assertArrayEquals(new byte[] {1, 3}, Keys.successor(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {2}, Keys.successor(new byte[] {1, (byte) 0xFF}));
        assertNull(Keys.successor(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertNull(Keys.successor(new byte[0]));
    }

    @Test
    void scansOfTheStoreAndOfABatchSeeExactlyThePrefix() throws Exception {
        try (RocksStore store = new RocksStore(dir.resolve("db"))) {
            try (Batch b = store.newBatch()) {
                for (byte[] k : List.of(new byte[] {1, 1}, new byte[] {1, (byte) 0xFF, 7}, new byte[] {2, 0},
                        new byte[] {(byte) 0xFF, (byte) 0xFF, 1})) {
                    b.put(k, new byte[] {9});
                }
                for (int i = 0; i < 1000; i++) {
                    b.put(new byte[] {3, (byte) (i >> 8), (byte) i}, new byte[] {9});
                }
                store.commit(b, 1);
            }
            try (Batch b = store.newBatch()) {
                for (int i = 0; i < 1000; i++) {
                    b.delete(new byte[] {3, (byte) (i >> 8), (byte) i});   // tombstones right after prefix 2
                }
                store.commit(b, 2);
            }
            assertEquals(List.of("1,1", "1,-1,7"), keys(store::scan, new byte[] {1}));
            assertEquals(List.of("1,-1,7"), keys(store::scan, new byte[] {1, (byte) 0xFF}));
            assertEquals(List.of("2,0"), keys(store::scan, new byte[] {2}));
            assertEquals(List.of(), keys(store::scan, new byte[] {3}));
            assertEquals(List.of("-1,-1,1"), keys(store::scan, new byte[] {(byte) 0xFF, (byte) 0xFF}));
            try (Batch b = store.newBatch()) {
                b.put(new byte[] {2, 5}, new byte[] {9});
                b.delete(new byte[] {2, 0});
                b.put(new byte[] {3, 0, 1}, new byte[] {9});
                assertEquals(List.of("2,5"), keys(b::scan, new byte[] {2}), "the batch's own writes count");
                assertEquals(List.of("3,0,1"), keys(b::scan, new byte[] {3}));
                assertEquals(List.of("1,-1,7"), keys(b::scan, new byte[] {1, (byte) 0xFF}));
            }
        }
    }

    interface Scan {
        void scan(byte[] prefix, byte[] startAt, java.util.function.BiPredicate<byte[], byte[]> visitor);
    }

    private static List<String> keys(Scan scan, byte[] prefix) {
        List<String> out = new ArrayList<>();
        scan.scan(prefix, null, (k, v) -> {
            StringBuilder s = new StringBuilder();
            for (byte x : k) {
                s.append(s.length() == 0 ? "" : ",").append(x);
            }
            out.add(s.toString());
            return true;
        });
        return out;
    }
}
