package io.curvefs.common.raft;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RpcServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Starts raft groups on a process's shared RPC server, with their log, meta and snapshot dirs. */
public final class RaftGroups {
    private RaftGroups() {
    }

    /**
     * Starts (or restarts from {@code dataDir}) one replica of group {@code groupId}. The state machine's
     * store must already be open.
     */
    public static RaftGroupService start(String groupId, String self, List<String> peers, Path dataDir,
                                         RocksStateMachine fsm, RpcServer sharedServer, RaftSettings settings) {
        try {
            Files.createDirectories(dataDir.resolve("log"));
            Files.createDirectories(dataDir.resolve("meta"));
            Files.createDirectories(dataDir.resolve("snapshot"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodeOptions options = new NodeOptions();
        options.setElectionTimeoutMs(settings.electionTimeoutMs());
        options.setSnapshotIntervalSecs(settings.snapshotIntervalSecs());
        options.setLogUri(dataDir.resolve("log").toString());
        options.setRaftMetaUri(dataDir.resolve("meta").toString());
        options.setSnapshotUri(dataDir.resolve("snapshot").toString());
        options.setFsm(fsm);
        options.setSharedElectionTimer(true);
        options.setSharedVoteTimer(true);
        options.setSharedStepDownTimer(true);
        options.setSharedSnapshotTimer(true);
        Configuration conf = JRaftUtils.getConfiguration(String.join(",", peers));
        options.setInitialConf(conf);
        RaftOptions raftOptions = new RaftOptions();
        raftOptions.setSync(settings.sync());
        // term and vote must survive a power cut too, or a node could vote twice in one term
        raftOptions.setSyncMeta(settings.sync());
        raftOptions.setDisruptorBufferSize(1024);
        // jraft's default keeps RocksDB statistics of its log store, updated on every write and never read
        raftOptions.setOpenStatistics(false);
        // a heartbeat every electionTimeout/5 instead of /10: half the idle wake-ups of every replica, and
        // still four heartbeats inside the leader lease (90 % of the election timeout)
        raftOptions.setElectionHeartbeatFactor(5);
        options.setRaftOptions(raftOptions);
        PeerId serverId = JRaftUtils.getPeerId(self);
        RaftGroupService service = new RaftGroupService(groupId, serverId, options, sharedServer, true);
        Node node = service.start(false);
        if (node == null) {
            throw new IllegalStateException("raft group " + groupId + " failed to start at " + self);
        }
        fsm.attach(node);
        return service;
    }
}
