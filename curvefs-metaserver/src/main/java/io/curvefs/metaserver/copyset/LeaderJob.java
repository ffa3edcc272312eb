package io.curvefs.metaserver.copyset;

import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The timer of a background job over the partitions this metaserver leads (trash, rename transactions,
 * recycle bins): a round every interval with a fixed delay, on a daemon thread of its own, so a slow round
 * delays the next instead of piling up. Followers' partitions are left to their leaders, so each
 * partition is worked on by one node.
 */
public final class LeaderJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderJob.class);

    /** A partition this node leads, with its copyset and a reader of the copyset's state. */
    public record Led(CopysetNode copyset, MetaReader reader, PartitionInfo partition) {
    }

    private final String name;
    private final long intervalMs;
    private final Runnable round;
    private final long closeWaitMs;
    private final ScheduledExecutorService timer;

    /** @param closeWaitMs how long {@link #close} waits for a round in progress (0: it is interrupted and left) */
    public LeaderJob(String name, long intervalMs, long closeWaitMs, Runnable round) {
        this.name = name;
        this.intervalMs = intervalMs;
        this.round = round;
        this.closeWaitMs = closeWaitMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The partitions (not being deleted) of the copysets this node leads now. */
    public static List<Led> ledPartitions(CopysetManager copysets) {
        List<Led> led = new ArrayList<>();
        for (CopysetNode copyset : copysets.all()) {
            if (!copyset.stateMachine().isServing()) {
                continue;
            }
            MetaReader reader = copyset.reader();
            for (PartitionInfo p : reader.partitions()) {
                if (p.getStatus() != PartitionStatus.DELETING) {
                    led.add(new Led(copyset, reader, p));
                }
            }
        }
        return led;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runRound, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void runRound() {
        try {
            round.run();
        } catch (RuntimeException e) {
            // the timer must keep running whatever one round ran into
            LOG.error("{} round failed", name, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (closeWaitMs == 0) {
            return;
        }
        try {
            if (!timer.awaitTermination(closeWaitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("a {} round was still running at close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
