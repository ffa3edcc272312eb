package io.curvefs.metaserver.rename;

import io.curvefs.common.meta.MetaClients;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.PartitionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Settles rename transactions whose client vanished and that no request meets (DESIGN.md §4): every
 * interval, on each copyset this metaserver leads, a partition holding a transaction record past its
 * deadline has it settled like a reader meeting its lock would ({@link io.curvefs.common.meta.MetaClient
 * #settleExpiredTransactions}): rolled forward when its primary committed, else aborted at the primary and
 * rolled back everywhere. So names stay locked, and a renamed inode half-moved, for at most about the
 * transaction's TTL plus one interval. The records are read locally first, so a quiet cluster costs no RPC.
 */
public final class TxSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxSweeper.class);

    private final CopysetManager copysets;
    private final MetaClients clients;
    private final long intervalMs;
    private final LongSupplier nowMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tx-sweeper");
        t.setDaemon(true);
        return t;
    });

    public TxSweeper(CopysetManager copysets, MetaClients clients, long intervalMs, LongSupplier nowMs) {
        this.copysets = copysets;
        this.clients = clients;
        this.intervalMs = intervalMs;
        this.nowMs = nowMs;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::round, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** One round over the copysets this node leads; answers how many partitions had expired transactions. */
    public int round() {
        int swept = 0;
        try {
            for (CopysetNode copyset : copysets.all()) {
                if (!copyset.stateMachine().isServing()) {
                    continue;
                }
                MetaReader reader = copyset.reader();
                for (PartitionInfo p : reader.partitions()) {
                    if (p.getStatus() != PartitionStatus.DELETING && hasExpired(reader, p.getPartitionId())) {
                        swept++;
                        sweep(p);
                    }
                }
            }
        } catch (RuntimeException e) {
            // the timer must keep running whatever one round ran into
            LOG.error("transaction sweep round failed", e);
        }
        return swept;
    }

    private boolean hasExpired(MetaReader reader, int partitionId) {
        long now = nowMs.getAsLong();
        return reader.txs(partitionId).stream().anyMatch(tx -> now > tx.getStartMs() + tx.getTtlMs());
    }

    private void sweep(PartitionInfo p) {
        try {
            if (!clients.of(p.getFsId()).settleExpiredTransactions(p.getPartitionId())) {
                LOG.debug("partition {}: a transaction is still pending at its primary", p.getPartitionId());
            }
        } catch (RuntimeException e) {
            // the next round tries again; one partition's trouble must not stop the others
            LOG.warn("partition {}: settling expired rename transactions failed: {}", p.getPartitionId(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
