package io.curvefs.tools.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Incompressible data without a random generator in the timed loop: slices of a pool of pseudo-random,
 * non-zero bytes, each starting at a different offset so that consecutive blocks never repeat (a store
 * that compresses or deduplicates must not look faster than it is).
 */
final class RandomBytes {
    private static final int POOL_BYTES = 16 << 20;

    private final ByteBuffer pool;
    private final SplittableRandom random;

    RandomBytes(long seed) {
        random = new SplittableRandom(seed);
        byte[] bytes = new byte[POOL_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (1 + random.nextInt(255));
        }
        pool = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** A read-only view of {@code length} bytes (at most half the pool) for one write. */
    ByteBuffer next(int length) {
        int start = random.nextInt(POOL_BYTES - length);
        return pool.duplicate().position(start).limit(start + length).slice();
    }

    /** A block-aligned offset below {@code size}, for random I/O. */
    long offset(long size, int block) {
        return random.nextLong(size / block) * block;
    }
}
