package io.curvefs.tests.mount;

import java.util.function.BooleanSupplier;

/** Polls a condition that becomes true once kernel and client caches expire (1 s each by default). */
final class Waiting {
    /** Far above the 1 s cache timeouts, so only a real bug reaches it. */
    private static final long LIMIT_MS = 15_000;

    private Waiting() {
    }

    static boolean until(BooleanSupplier condition) throws InterruptedException {
        return until(LIMIT_MS, condition);
    }

    static boolean until(long limitMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
