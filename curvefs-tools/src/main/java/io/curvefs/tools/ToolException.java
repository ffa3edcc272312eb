package io.curvefs.tools;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.Status;

/**
 * Ends a command with one line on stderr and an exit code a script can act on: 1 when the cluster refused
 * the request, 2 for a usage or configuration mistake, 3 when no MDS answered.
 */
final class ToolException extends RuntimeException {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private final int exitCode;

    ToolException(int exitCode, String message) {
        super(oneLine(message));
        this.exitCode = exitCode;
    }

    static ToolException usage(String message) {
        return new ToolException(USAGE, message);
    }

    static ToolException refused(String what, Status status) {
        return new ToolException(REFUSED, what + ": " + status.getCode() + " " + status.getMessage());
    }

    static ToolException unreachable(String what, RpcException e) {
        return new ToolException(UNREACHABLE, what + ": " + e.code() + " " + e.getMessage());
    }

    int exitCode() {
        return exitCode;
    }

    /** Server messages may span lines; the tool's contract is one line per failure. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
