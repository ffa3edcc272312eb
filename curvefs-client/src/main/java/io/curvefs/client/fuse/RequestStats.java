package io.curvefs.client.fuse;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of the requests that reached this mount, by opcode, and the sizes of its reads and writes
 * (power-of-two buckets up to 1 MiB): what shows whether the kernel sends large requests. Readable
 * from outside as the xattr {@link #XATTR} of the mount's root.
 */
final class RequestStats {
    static final String XATTR = "curvefs.fuse.stats";
    private static final int OPCODES = 64;
    private static final int MIN_BUCKET = 12;   // 4 KiB and smaller
    private static final int MAX_BUCKET = 20;   // 1 MiB

    private final LongAdder[] byOpcode = adders(OPCODES);
    private final LongAdder[] readSizes = adders(MAX_BUCKET + 1);
    private final LongAdder[] writeSizes = adders(MAX_BUCKET + 1);

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void count(Request q) {
        if (q.opcode >= 0 && q.opcode < OPCODES) {
            byOpcode[q.opcode].increment();
        }
        if (q.opcode == Protocol.READ) {
            readSizes[bucket(q.u32(16))].increment();
        } else if (q.opcode == Protocol.WRITE) {
            writeSizes[bucket(q.u32(16))].increment();
        }
    }

    /** The bucket of sizes in (2^(b-1), 2^b]. */
    private static int bucket(int size) {
        int b = size <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1);
        return Math.max(MIN_BUCKET, Math.min(MAX_BUCKET, b));
    }

    /** One line per kind: {@code opcodes 1=12 3=4 ...}, {@code read <=4KiB=.. ... <=1MiB=..}, {@code write ...}. */
    String text() {
        StringBuilder sb = new StringBuilder("opcodes");
        for (int i = 0; i < OPCODES; i++) {
            long n = byOpcode[i].sum();
            if (n > 0) {
                sb.append(' ').append(i).append('=').append(n);
            }
        }
        histogram(sb.append("\nread"), readSizes);
        histogram(sb.append("\nwrite"), writeSizes);
        return sb.append('\n').toString();
    }

    private static void histogram(StringBuilder sb, LongAdder[] sizes) {
        for (int b = MIN_BUCKET; b <= MAX_BUCKET; b++) {
            sb.append(" <=").append(1 << (b - 10)).append("KiB=").append(sizes[b].sum());
        }
    }
}
