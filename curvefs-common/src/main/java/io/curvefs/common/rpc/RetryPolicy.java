package io.curvefs.common.rpc;

import io.curvefs.proto.common.StatusCode;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a call may take in all, how long one attempt may take, and how long to wait between
 * attempts (exponential with jitter).
 */
public record RetryPolicy(long deadlineMs, long attemptTimeoutMs, long minBackoffMs, long maxBackoffMs) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(20_000, 3_000, 20, 1_000);

    public RetryPolicy {
        if (deadlineMs <= 0 || attemptTimeoutMs <= 0 || minBackoffMs <= 0 || maxBackoffMs < minBackoffMs) {
            throw new IllegalArgumentException("invalid retry policy");
        }
    }

    public RetryPolicy withDeadline(long ms) {
        return new RetryPolicy(ms, Math.min(attemptTimeoutMs, ms), minBackoffMs, maxBackoffMs);
    }

    /** Sleeps between attempts; an interrupt ends the call as UNAVAILABLE. */
    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.UNAVAILABLE, "interrupted");
        }
    }

    long backoffMs(int attempt) {
        long base = Math.min(maxBackoffMs, minBackoffMs << Math.min(attempt, 16));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
}
