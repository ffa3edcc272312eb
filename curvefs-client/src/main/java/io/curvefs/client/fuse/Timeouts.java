package io.curvefs.client.fuse;

import java.time.Duration;

/**
 * How long the kernel may keep what it is told: the rest of the client.conf timeouts, counted from when
 * this mount fetched the value (a value served from the mount's cache is older than the reply).
 */
record Timeouts(long attrNanos, long entryNanos) {
    static Timeouts of(Duration attr, Duration entry) {
        return new Timeouts(attr.toNanos(), entry.toNanos());
    }

    long attr(long ageNanos) {
        return Math.max(0, attrNanos - ageNanos);
    }

    long entry(long ageNanos) {
        return Math.max(0, entryNanos - ageNanos);
    }
}
