package io.curvefs.common.meta;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.TxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Settles other clients' rename transactions that stand in the way (a name they hold). The primary's
 * record decides: COMMITTED rolls every partition forward; absent means aborted, so the part here is
 * rolled back; PENDING past its deadline is aborted at the primary first (one raft command that the
 * owner's commit cannot pass afterwards) and then rolled back everywhere; PENDING within its deadline
 * belongs to a live client, which is left to finish.
 */
final class TxResolver {
    private static final Logger LOG = LoggerFactory.getLogger(TxResolver.class);

    private final TxCalls calls;

    TxResolver(TxCalls calls) {
        this.calls = calls;
    }

    /** Settles what can be settled in the partition; false when a live transaction remains (wait, then retry). */
    boolean resolve(int partitionId) {
        return resolve(partitionId, tx -> true);
    }

    /**
     * Settles only the partition's transactions past their deadline ({@code start_ms + ttl_ms}): within it,
     * even a committed one is presumably still being finished by its own client.
     */
    boolean resolveExpired(int partitionId, long nowMs) {
        return resolve(partitionId, tx -> nowMs > tx.getStartMs() + tx.getTtlMs());
    }

    private boolean resolve(int partitionId, Predicate<TxRecord> which) {
        boolean settled = true;
        for (TxRecord tx : calls.list(partitionId)) {
            if (which.test(tx)) {
                settled &= settle(partitionId, tx);
            }
        }
        return settled;
    }

    private boolean settle(int partitionId, TxRecord tx) {
        Optional<TxRecord> primary = tx.getState() == TxRecord.State.PREPARED
                ? calls.list(tx.getPrimary()).stream().filter(t -> t.getTxId().equals(tx.getTxId())).findFirst()
                : Optional.of(tx);
        if (primary.isEmpty()) {
            LOG.info("rename transaction {}: aborted at its primary, rolling back partition {}", tx.getTxId(),
                    partitionId);
            calls.abort(partitionId, tx.getTxId());
            return true;
        }
        TxRecord decided = primary.get();
        if (decided.getState() == TxRecord.State.COMMITTED) {
            rollForward(decided);
            return true;
        }
        if (System.currentTimeMillis() <= decided.getStartMs() + decided.getTtlMs()) {
            return false;
        }
        try {
            calls.abort(decided.getPrimary(), decided.getTxId());
        } catch (RpcException e) {
            if (e.code() != StatusCode.TX_COMMITTED) {
                throw e;
            }
            rollForward(decided); // its owner committed just before the abort: forward after all
            return true;
        }
        LOG.info("rename transaction {}: expired while pending, aborted", decided.getTxId());
        for (int participant : decided.getParticipantsList()) {
            calls.abort(participant, decided.getTxId());
        }
        return true;
    }

    /** Commits every other partition (idempotent), then lets the primary forget the transaction. */
    void rollForward(TxRecord primary) {
        for (int participant : primary.getParticipantsList()) {
            calls.commit(participant, primary.getTxId(), false);
        }
        calls.finish(primary.getPrimary(), primary.getTxId());
    }
}
