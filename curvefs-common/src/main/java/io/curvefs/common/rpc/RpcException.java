package io.curvefs.common.rpc;

import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;

/** A call that ended without a usable answer, or a handler's refusal carried back as a status. */
public class RpcException extends RuntimeException {
    private final StatusCode code;

    public RpcException(StatusCode code, String message) {
        super(message);
        this.code = code;
    }

    public RpcException(Status status) {
        this(status.getCode(), status.getMessage().isEmpty() ? status.getCode().name() : status.getMessage());
    }

    public StatusCode code() {
        return code;
    }

    public Status toStatus() {
        return Statuses.of(code, getMessage());
    }
}
