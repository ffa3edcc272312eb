package io.curvefs.mds.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.curvefs.common.storage.StorageException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Encodings of stored values: protobuf records and 8-byte counters. */
public final class Records {
    private Records() {
    }

    public static <T> T parse(Parser<T> parser, String key, byte[] bytes) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt record at " + key, e);
        }
    }

    public static byte[] encodeLong(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long decodeLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }

    public static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    public static String key(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
