package io.curvefs.tools.bench;

/**
 * The sizes of one bench run: metadata items per thread, threads of the multi-thread workloads, the
 * sequential file's bytes (which the random workloads reuse) and the number of 4 KiB random I/Os.
 */
record BenchParams(int items, int threads, long fileBytes, int randomOps) {
    static final int SMALL_FILE_BYTES = 128 * 1024;
    static final int SEQUENTIAL_IO_BYTES = 1024 * 1024;
    static final int RANDOM_IO_BYTES = 4096;

    BenchParams {
        if (items < 1 || threads < 1 || randomOps < 1) {
            throw new IllegalArgumentException("--items, --threads and --random-ops must be at least 1");
        }
        if (fileBytes < RANDOM_IO_BYTES) {
            throw new IllegalArgumentException("--size must be at least " + RANDOM_IO_BYTES + " bytes");
        }
    }

    String describe() {
        return String.format("%,d items per thread, %d threads, %s sequential file, %,d random I/Os",
                items, threads, mib(fileBytes), randomOps);
    }

    private static String mib(long bytes) {
        return bytes % (1L << 30) == 0 ? bytes / (1L << 30) + " GiB"
                : bytes % (1L << 20) == 0 ? bytes / (1L << 20) + " MiB" : bytes + " B";
    }
}
