package io.curvefs.metaserver.dentry;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;

import java.nio.charset.StandardCharsets;

/** What may be stored as one directory entry's name. */
public final class DentryNames {
    /** NAME_MAX of Linux, in bytes. */
    public static final int MAX_BYTES = 255;

    private DentryNames() {
    }

    /**
     * Refuses names a path cannot hold. '\0' is refused also because the key encoding relies on it
     * sorting before every name byte (see MetaKeys).
     */
    public static void validate(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "invalid name '" + name + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new RpcException(StatusCode.NAME_TOO_LONG, "name longer than " + MAX_BYTES + " bytes");
        }
    }
}
