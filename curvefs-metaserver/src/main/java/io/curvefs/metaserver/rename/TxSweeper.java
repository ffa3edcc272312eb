package io.curvefs.metaserver.rename;

import io.curvefs.metaserver.copyset.LeaderJob;
import io.curvefs.common.meta.MetaClients;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final LongSupplier nowMs;
    private final LeaderJob job;

    public TxSweeper(CopysetManager copysets, MetaClients clients, long intervalMs, LongSupplier nowMs) {
        this.copysets = copysets;
        this.clients = clients;
        this.nowMs = nowMs;
        this.job = new LeaderJob("tx-sweeper", intervalMs, 0, this::round);
    }

    public void start() {
        job.start();
    }

    /** One round over the copysets this node leads; answers how many partitions had expired transactions. */
    public int round() {
        int swept = 0;
        try {
            for (LeaderJob.Led led : LeaderJob.ledPartitions(copysets)) {
                if (hasExpired(led.reader(), led.partition().getPartitionId())) {
                    swept++;
                    sweep(led.partition());
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
        job.close();
    }
}
