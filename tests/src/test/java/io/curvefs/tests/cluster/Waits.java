package io.curvefs.tests.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: every wait in the harness ends, with a message that says what never happened. */
final class Waits {
    private static final long POLL_MS = 200;

    private Waits() {
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes; {@code check} runs before each poll and
     * may throw to end the wait early (e.g. a process died).
     */
    static void until(String what, Duration timeout, Runnable check, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            check.run();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            sleep(POLL_MS);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
