package io.curvefs.common.rpc;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Message;
import io.curvefs.proto.common.Status;
import io.curvefs.proto.common.StatusCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls on a raft group (the MDS group, a copyset) whose leader moves: follows "not leader" redirects,
 * moves on to the next peer when one is down, backs off between attempts and gives up at the deadline.
 * A retry reuses the request's sequence number, so the server can recognise a repeated mutation.
 */
public final class LeaderChannel {
    private final CurveRpcClient client;
    private final List<Endpoint> peers;
    private final RetryPolicy policy;
    private volatile Endpoint leader;

    public LeaderChannel(CurveRpcClient client, List<String> peers, RetryPolicy policy) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no peers");
        }
        this.client = client;
        this.peers = new ArrayList<>();
        for (String p : peers) {
            this.peers.add(parseEndpoint(p));
        }
        this.policy = policy;
    }

    public static Endpoint parseEndpoint(String address) {
        Endpoint ep = JRaftUtils.getEndPoint(address.trim());
        if (ep == null || ep.getPort() <= 0) {
            throw new IllegalArgumentException("not an ip:port address: " + address);
        }
        return ep;
    }

    public List<Endpoint> peers() {
        return List.copyOf(peers);
    }

    public Endpoint leaderHint() {
        return leader;
    }

    /** Returns the first answer that is not retryable; throws {@link RpcException} at the deadline. */
    public <R extends Message> R call(Message request) {
        return call(request, policy);
    }

    public <R extends Message> R call(Message request, RetryPolicy policy) {
        Message stamped = client.stamp(request);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(policy.deadlineMs());
        int next = 0;
        String lastError = "no attempt";
        for (int attempt = 0; ; attempt++) {
            Endpoint target = leader != null ? leader : peers.get(next++ % peers.size());
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                throw new RpcException(StatusCode.UNAVAILABLE, "no answer from " + peers + " within "
                        + policy.deadlineMs() + " ms (last: " + lastError + ")");
            }
            long attemptTimeout = Math.max(1, Math.min(policy.attemptTimeoutMs(), remaining));
            try {
                R response = client.<R>invoke(target, stamped, attemptTimeout)
                        .get(attemptTimeout + 1000, TimeUnit.MILLISECONDS);
                Status status = Statuses.statusOf(response);
                if (!Statuses.isRetryable(status.getCode())) {
                    leader = target;
                    return response;
                }
                lastError = target + ": " + status.getCode() + " " + status.getMessage();
                if (status.getCode() == StatusCode.NOT_LEADER && !status.getLeader().isEmpty()
                        && !status.getLeader().equals(target.toString())) {
                    leader = parseEndpoint(status.getLeader());
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcException(StatusCode.UNAVAILABLE, "interrupted");
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                lastError = target + ": " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : " " + cause.getMessage());
            }
            leader = null;
            RetryPolicy.pause(Math.min(policy.backoffMs(attempt), Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        }
    }

}
