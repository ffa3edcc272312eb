package io.curvefs.common.rpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.curvefs.proto.common.RequestHeader;
import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;

import java.util.EnumSet;
import java.util.Set;

/**
 * The conventions every message follows: a response carries its {@link Status} in field 1, a request
 * carries its {@link RequestHeader} in field 1.
 */
public final class Statuses {
    public static final Status OK = Status.newBuilder().setCode(StatusCode.OK).build();

    /** Codes after which the same request may succeed elsewhere or later. */
    private static final Set<StatusCode> RETRYABLE = EnumSet.of(
            StatusCode.NOT_LEADER, StatusCode.UNAVAILABLE, StatusCode.OVERLOAD, StatusCode.TIMEOUT);

    private Statuses() {
    }

    public static Status of(StatusCode code, String message) {
        return Status.newBuilder().setCode(code).setMessage(message == null ? "" : message).build();
    }

    public static Status notLeader(String leader) {
        return Status.newBuilder().setCode(StatusCode.NOT_LEADER).setMessage("not leader")
                .setLeader(leader == null ? "" : leader).build();
    }

    /** Returns the response when its status is OK, otherwise throws its status as an RpcException. */
    public static <T extends Message> T requireOk(T response) {
        Status status = statusOf(response);
        if (status.getCode() != StatusCode.OK) {
            throw new RpcException(status);
        }
        return response;
    }

    public static boolean isRetryable(StatusCode code) {
        return RETRYABLE.contains(code);
    }

    public static Status statusOf(Message response) {
        FieldDescriptor field = response.getDescriptorForType().findFieldByNumber(1);
        if (field == null || field.getMessageType() != Status.getDescriptor()) {
            throw new IllegalArgumentException(response.getDescriptorForType().getFullName() + " has no status");
        }
        return (Status) response.getField(field);
    }

    @SuppressWarnings("unchecked")
    public static <T extends Message> T withStatus(T prototype, Status status) {
        FieldDescriptor field = prototype.getDescriptorForType().findFieldByNumber(1);
        return (T) prototype.newBuilderForType().setField(field, status).build();
    }

    public static RequestHeader headerOf(Message request) {
        FieldDescriptor field = request.getDescriptorForType().findFieldByNumber(1);
        if (field == null || field.getMessageType() != RequestHeader.getDescriptor()) {
            throw new IllegalArgumentException(request.getDescriptorForType().getFullName() + " has no header");
        }
        return (RequestHeader) request.getField(field);
    }

    @SuppressWarnings("unchecked")
    public static <T extends Message> T withHeader(T request, RequestHeader header) {
        FieldDescriptor field = request.getDescriptorForType().findFieldByNumber(1);
        return (T) request.toBuilder().setField(field, header).build();
    }
}
