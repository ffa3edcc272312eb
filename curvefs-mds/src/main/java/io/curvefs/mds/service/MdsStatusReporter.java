package io.curvefs.mds.service;

import com.alipay.sofa.jraft.Node;
import io.curvefs.common.rpc.Statuses;
import io.curvefs.mds.state.MdsStateMachine;
import io.curvefs.proto.mds.GetMdsStatusResponse;

import java.util.List;

/** Answers GetMdsStatus on every replica, leader or not: tools use it to find and check the group. */
final class MdsStatusReporter {
    private final MdsStateMachine fsm;
    private final String self;
    private final List<String> peers;

    MdsStatusReporter(MdsStateMachine fsm, String self, List<String> peers) {
        this.fsm = fsm;
        this.self = self;
        this.peers = peers;
    }

    GetMdsStatusResponse status() {
        Node node = fsm.node();
        boolean leader = node != null && node.isLeader();
        return GetMdsStatusResponse.newBuilder().setStatus(Statuses.OK).setIsLeader(leader)
                .setServing(fsm.isReady()).setLeader(fsm.leaderAddress()).setSelf(self).setTerm(fsm.term())
                .addAllPeers(peers).build();
    }
}
