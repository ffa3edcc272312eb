package io.curvefs.metaserver.copyset;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.google.protobuf.Message;
import io.curvefs.common.raft.RaftGroups;
import io.curvefs.common.raft.RaftSettings;
import io.curvefs.common.storage.RocksStore;
import io.curvefs.metaserver.storage.KvView;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.copyset.CopysetStatus;
import io.curvefs.proto.metaserver.MetaOperation;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One replica of a copyset: its RocksDB ({@code db/}), its raft group ({@code raft/}, group id
 * {@link CopysetId#groupId()}) and its configuration ({@code peers}), all under one dir.
 */
public final class CopysetNode implements AutoCloseable {
    private final CopysetId id;
    private final List<String> peers;
    private final RocksStore store;
    private final CopysetStateMachine fsm;
    private final RaftGroupService raft;

    private CopysetNode(CopysetId id, List<String> peers, RocksStore store, CopysetStateMachine fsm,
                        RaftGroupService raft) {
        this.id = id;
        this.peers = peers;
        this.store = store;
        this.fsm = fsm;
        this.raft = raft;
    }

    /** Starts the replica from {@code dir}, which holds its peers file and whatever data it had. */
    static CopysetNode start(CopysetId id, Path dir, String self, RpcServer sharedServer, RaftSettings settings) {
        List<String> peers = PeersFile.read(dir);
        RocksStore store = new RocksStore(dir.resolve("db"));
        try {
            CopysetStateMachine fsm = new CopysetStateMachine(id, store);
            RaftGroupService raft = RaftGroups.start(id.groupId(), self, peers, dir.resolve("raft"), fsm,
                    sharedServer, settings);
            return new CopysetNode(id, peers, store, fsm, raft);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public CopysetId id() {
        return id;
    }

    public List<String> peers() {
        return peers;
    }

    public CopysetStateMachine stateMachine() {
        return fsm;
    }

    public Node raftNode() {
        return fsm.node();
    }

    /** Reads of committed data; callers make sure this replica may serve them (see LeaseReader). */
    public MetaReader reader() {
        return new MetaReader(KvView.of(store));
    }

    /** Replicates a mutation; the future holds the response the state machine produced for it. */
    public CompletableFuture<Message> propose(MetaOperation op) {
        fsm.requireServing();
        return fsm.propose(op.toByteArray());
    }

    /** The raft state, and with {@code withHash} a digest of the data that is equal on equal replicas. */
    public CopysetStatus status(boolean withHash) {
        Node node = fsm.node();
        CopysetStatus.Builder b = CopysetStatus.newBuilder().setPoolId(id.poolId()).setCopysetId(id.copysetId())
                .setState(node.getNodeState().name()).setLeader(fsm.leaderAddress()).setTerm(fsm.term())
                .setAppliedIndex(node.getLastAppliedLogIndex()).setLastLogIndex(node.getLastLogIndex())
                .addAllPeers(peers).addAllPartitions(reader().partitions());
        if (withHash) {
            b.setHash(store.checksum());
        }
        return b.build();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            raft.shutdown();
            raft.join();
        } finally {
            store.close();
        }
    }
}
