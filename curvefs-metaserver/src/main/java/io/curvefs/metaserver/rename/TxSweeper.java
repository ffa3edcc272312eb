package io.curvefs.metaserver.rename;

import io.curvefs.common.meta.MetaClients;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaderRounds;
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

    private final MetaClients clients;
    private final LongSupplier nowMs;
    private final LeaderRounds rounds;

    public TxSweeper(CopysetManager copysets, MetaClients clients, long intervalMs, LongSupplier nowMs) {
        this.clients = clients;
        this.nowMs = nowMs;
        this.rounds = new LeaderRounds("tx-sweeper", copysets, intervalMs, Integer.MAX_VALUE, this::sweep);
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads; answers how many partitions had expired transactions. */
    public int round() {
        return rounds.round();
    }

    private boolean hasExpired(MetaReader reader, int partitionId) {
        long now = nowMs.getAsLong();
        return reader.txs(partitionId).stream().anyMatch(tx -> now > tx.getStartMs() + tx.getTtlMs());
    }

    private int sweep(CopysetNode copyset, PartitionInfo p, int budget) {
        if (!hasExpired(copyset.reader(), p.getPartitionId())) {
            return 0;
        }
        try {
            if (!clients.of(p.getFsId()).settleExpiredTransactions(p.getPartitionId())) {
                LOG.debug("partition {}: a transaction is still pending at its primary", p.getPartitionId());
            }
        } catch (RuntimeException e) {
            // the next round tries again; one partition's trouble must not stop the others
            LOG.warn("partition {}: settling expired rename transactions failed: {}", p.getPartitionId(),
                    e.getMessage());
        }
        return 1;
    }

    @Override
    public void close() {
        rounds.close();
    }
}
