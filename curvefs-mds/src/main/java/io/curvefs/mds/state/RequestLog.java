package io.curvefs.mds.state;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.mdsstate.RequestResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes mutating requests idempotent across retries (DESIGN.md §3): the answer to a request is stored
 * under its (client id, seq) in the same raft entry as the change, and a retry of the same request
 * gets that answer back instead of running again (a repeated mount would otherwise say "already
 * mounted"). Refusals are not stored: running a refused request again refuses it again.
 */
public final class RequestLog {
    static final String PREFIX = "reqlog/";
    /** Entries dropped per state change, to keep raft entries small. */
    private static final int EXPIRE_BATCH = 1000;

    private final MdsStore store;

    public RequestLog(MdsStore store) {
        this.store = store;
    }

    private static Optional<String> key(RequestHeader h) {
        if (h.getClientId().isEmpty() || h.getSeq() == 0) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + h.getClientId() + "/" + String.format("%020d", h.getSeq()));
    }

    /** Runs {@code change} once per (client id, seq); a retry returns the first answer. */
    public <R extends Message> R once(RequestHeader header, Parser<R> parser, Function<Txn, R> change) {
        Optional<String> key = key(header);
        if (key.isEmpty()) {
            return store.mutate(change);
        }
        long now = System.currentTimeMillis();
        return store.mutate(txn -> {
            Optional<RequestResult> previous = txn.get(key.get(), RequestResult.parser());
            if (previous.isPresent()) {
                return Records.parse(parser, key.get(), previous.get().getResponse().toByteArray());
            }
            R response = change.apply(txn);
            txn.put(key.get(), RequestResult.newBuilder().setResponse(response.toByteString()).setTimeMs(now).build());
            return response;
        });
    }

    /** Drops answers older than {@code maxAgeMs}: a client retries for seconds, not for that long. */
    public void expire(long maxAgeMs) {
        long cutoff = System.currentTimeMillis() - maxAgeMs;
        List<String> old = new ArrayList<>();
        store.scanRaw(PREFIX, (k, v) -> {
            if (old.size() < EXPIRE_BATCH && Records.parse(RequestResult.parser(), k, v).getTimeMs() < cutoff) {
                old.add(k);
            }
        });
        if (!old.isEmpty()) {
            store.mutate(txn -> {
                old.forEach(txn::delete);
                return null;
            });
        }
    }
}
