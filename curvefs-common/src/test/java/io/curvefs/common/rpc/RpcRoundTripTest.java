package io.curvefs.common.rpc;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.GetMdsStatusRequest;
import io.curvefs.proto.mds.GetMdsStatusResponse;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcRoundTripTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void protobufRoundTripWithTokenAndRedirect() throws Exception {
        int port = freePort();
        CurveRpcServer server = new CurveRpcServer(new Endpoint("127.0.0.1", port), "secret", 2);
        server.register(GetMdsStatusRequest.class, GetMdsStatusResponse.getDefaultInstance(),
                RpcHandler.sync(req -> GetMdsStatusResponse.newBuilder().setStatus(Statuses.OK)
                        .setSelf("127.0.0.1:" + port).setIsLeader(true).build()));
        server.start();
        try (CurveRpcClient good = new CurveRpcClient("secret"); CurveRpcClient bad = new CurveRpcClient("wrong")) {
            int deadPort = freePort();
            // the first peer is down: the channel must move on to the live one
            LeaderChannel channel = new LeaderChannel(good, List.of("127.0.0.1:" + deadPort, "127.0.0.1:" + port),
                    new RetryPolicy(10_000, 1_000, 10, 100));
            GetMdsStatusResponse r = channel.call(GetMdsStatusRequest.getDefaultInstance());
            assertEquals(StatusCode.OK, r.getStatus().getCode());
            assertEquals("127.0.0.1:" + port, r.getSelf());
            assertTrue(r.getIsLeader());

            LeaderChannel wrongToken = new LeaderChannel(bad, List.of("127.0.0.1:" + port), RetryPolicy.DEFAULT);
            GetMdsStatusResponse refused = wrongToken.call(GetMdsStatusRequest.getDefaultInstance());
            assertEquals(StatusCode.UNAUTHENTICATED, refused.getStatus().getCode());

            LeaderChannel nobody = new LeaderChannel(good, List.of("127.0.0.1:" + deadPort),
                    new RetryPolicy(1_000, 300, 10, 100));
            RpcException e = assertThrows(RpcException.class, () -> nobody.call(GetMdsStatusRequest.getDefaultInstance()));
            assertEquals(StatusCode.UNAVAILABLE, e.code());
        } finally {
            server.close();
        }
    }
}
