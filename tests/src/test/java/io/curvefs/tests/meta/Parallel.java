package io.curvefs.tests.meta;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs numbered tasks on a pool and waits for all of them, bounded. */
final class Parallel {
    interface IndexedTask {
        void run(int index) throws Exception;
    }

    private Parallel() {
    }

    /** Runs task(0..count-1); rethrows the first failure (assertion errors included) as it was thrown. */
    static void run(ExecutorService pool, int count, Duration timeout, IndexedTask task) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                task.run(index);
                return null;
            }));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> f : futures) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (Exception) e.getCause();
            }
        }
    }
}
