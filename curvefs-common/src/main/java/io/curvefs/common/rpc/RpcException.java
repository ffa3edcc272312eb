package io.curvefs.common.rpc;

import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;

/** A call that ended without a usable answer, or a handler's refusal carried back as a status. */
public class RpcException extends RuntimeException {
    private final StatusCode code;
    /** The leader's address a NOT_LEADER refusal carries back to the caller, "" when none. */
    private final String leader;

    public RpcException(StatusCode code, String message) {
        super(message);
        this.code = code;
        this.leader = "";
    }

    public RpcException(Status status) {
        super(status.getMessage().isEmpty() ? status.getCode().name() : status.getMessage());
        this.code = status.getCode();
        this.leader = status.getLeader();
    }

    public StatusCode code() {
        return code;
    }

    public Status toStatus() {
        return Statuses.of(code, getMessage()).toBuilder().setLeader(leader).build();
    }
}
