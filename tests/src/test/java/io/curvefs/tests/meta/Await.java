package io.curvefs.tests.meta;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded polling for conditions that other processes make true eventually. */
final class Await {
    private static final long POLL_MS = 100;

    private Await() {
    }

    /**
     * Polls {@code probe} until {@code done} accepts its value and returns that value; fails the test
     * at the deadline with the last value (or the last exception) seen. A probe that throws counts as
     * "not yet", e.g. while a process restarts.
     */
    static <T> T value(Duration timeout, String what, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "nothing";
        while (true) {
            try {
                T value = probe.get();
                if (done.test(value)) {
                    return value;
                }
                last = value;
            } catch (RuntimeException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last seen: " + last);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    static void until(Duration timeout, String what, Supplier<Boolean> condition) {
        value(timeout, what, condition, Boolean::booleanValue);
    }
}
