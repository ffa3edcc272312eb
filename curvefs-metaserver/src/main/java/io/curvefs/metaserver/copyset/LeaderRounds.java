package io.curvefs.metaserver.copyset;

import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The schedule of a metaserver background job (trash, kept orphans, transaction sweeping...): every
 * interval, one round over the live partitions of the copysets this node leads and serves, so each job
 * runs on exactly one replica of a partition. A round does at most {@code perRound} items of work; one
 * failing round is logged and the next one runs as usual.
 */
public final class LeaderRounds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderRounds.class);
    /** How long close waits for a running round (its raft proposals are bounded by less). */
    private static final long CLOSE_WAIT_MS = 30_000;

    /** The job's work on one partition: at most {@code budget} items; answers how many it did. */
    @FunctionalInterface
    public interface PartitionWork {
        int run(CopysetNode copyset, PartitionInfo partition, int budget);
    }

    private final String name;
    private final CopysetManager copysets;
    private final long intervalMs;
    private final int perRound;
    private final PartitionWork work;
    private final ScheduledExecutorService timer;

    public LeaderRounds(String name, CopysetManager copysets, long intervalMs, int perRound, PartitionWork work) {
        this.name = name;
        this.copysets = copysets;
        this.intervalMs = intervalMs;
        this.perRound = perRound;
        this.work = work;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::round, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** One round (the timer's job; tests call it directly); answers how many items of work it did. */
    public int round() {
        int done = 0;
        try {
            for (CopysetNode copyset : copysets.all()) {
                if (!copyset.stateMachine().isServing()) {
                    continue;
                }
                for (PartitionInfo p : copyset.reader().partitions()) {
                    if (done >= perRound) {
                        return done;
                    }
                    if (p.getStatus() != PartitionStatus.DELETING) {
                        done += work.run(copyset, p, perRound - done);
                    }
                }
            }
        } catch (RuntimeException e) {
            // the timer must keep running whatever one round ran into
            LOG.error("{} round failed", name, e);
        }
        return done;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("a {} round was still running at close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
