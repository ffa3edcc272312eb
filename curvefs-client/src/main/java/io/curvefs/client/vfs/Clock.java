package io.curvefs.client.vfs;

import io.curvefs.proto.metaserver.Time;

import java.time.Instant;

/** Wall-clock time with nanoseconds, as inode times store it. */
public final class Clock {
    private Clock() {
    }

    public static Time now() {
        Instant t = Instant.now();
        return Time.newBuilder().setSec(t.getEpochSecond()).setNsec(t.getNano()).build();
    }
}
