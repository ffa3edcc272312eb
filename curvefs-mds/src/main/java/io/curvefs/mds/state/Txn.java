package io.curvefs.mds.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.curvefs.proto.mdsstate.KvWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One state change being computed by the leader: reads see the applied store plus this change's own
 * writes; the writes become one raft entry when the change is committed.
 */
public final class Txn {
    private final MdsStore store;
    /** Pending writes by key; a null value is a delete. */
    private final TreeMap<String, byte[]> pending = new TreeMap<>();

    Txn(MdsStore store) {
        this.store = store;
    }

    public byte[] getRaw(String key) {
        return pending.containsKey(key) ? pending.get(key) : store.getRaw(key);
    }

    public <T> Optional<T> get(String key, Parser<T> parser) {
        byte[] v = getRaw(key);
        return v == null ? Optional.empty() : Optional.of(Records.parse(parser, key, v));
    }

    public long getLong(String key, long defaultValue) {
        byte[] v = getRaw(key);
        return v == null ? defaultValue : Records.decodeLong(v);
    }

    /** Records under {@code prefix} in key order, including this change's writes. */
    public <T> List<T> scan(String prefix, Parser<T> parser) {
        TreeMap<String, byte[]> merged = new TreeMap<>();
        store.scanRaw(prefix, merged::put);
        for (Map.Entry<String, byte[]> e : pending.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                if (e.getValue() == null) {
                    merged.remove(e.getKey());
                } else {
                    merged.put(e.getKey(), e.getValue());
                }
            }
        }
        List<T> out = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> out.add(Records.parse(parser, k, v)));
        return out;
    }

    public void put(String key, Message value) {
        pending.put(key, value.toByteArray());
    }

    public void putLong(String key, long value) {
        pending.put(key, Records.encodeLong(value));
    }

    public void delete(String key) {
        pending.put(key, null);
    }

    /** The next id of {@code kind} (1, 2, 3, ...), never handed out twice. */
    public int nextId(String kind) {
        String key = MdsKeys.idGenerator(kind);
        long next = getLong(key, 0) + 1;
        if (next > Integer.MAX_VALUE) {
            throw new IllegalStateException("id space of " + kind + " exhausted");
        }
        putLong(key, next);
        return (int) next;
    }

    List<KvWrite> writes() {
        List<KvWrite> out = new ArrayList<>(pending.size());
        pending.forEach((k, v) -> {
            KvWrite.Builder w = KvWrite.newBuilder().setKey(ByteString.copyFrom(Records.key(k)));
            if (v == null) {
                w.setDelete(true);
            } else {
                w.setValue(ByteString.copyFrom(v));
            }
            out.add(w.build());
        });
        return out;
    }
}
