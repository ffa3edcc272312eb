package io.curvefs.metaserver.copyset;

import io.curvefs.common.raft.RaftSettings;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The copysets this metaserver hosts, each in {@code <data.dir>/copysets/<poolId>_<copysetId>/}. */
public final class CopysetManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopysetManager.class);

    private final Path root;
    private final String self;
    private final CurveRpcServer server;
    private final RaftSettings settings;
    private final Map<CopysetId, CopysetNode> copysets = new ConcurrentHashMap<>();

    public CopysetManager(Path dataDir, String self, CurveRpcServer server, RaftSettings settings) {
        this.root = dataDir.resolve("copysets");
        this.self = self;
        this.server = server;
        this.settings = settings;
    }

    /** Restarts every copyset found on disk; a dir without a peers file was never started and is skipped. */
    public synchronized void loadExisting() {
        try {
            Files.createDirectories(root);
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.sorted().toList()) {
                    CopysetId id = CopysetId.fromDirName(dir.getFileName().toString());
                    if (id == null || PeersFile.read(dir).isEmpty()) {
                        LOG.warn("ignoring {}: not a copyset dir", dir);
                        continue;
                    }
                    copysets.put(id, CopysetNode.start(id, dir, self, server.raftServer(), settings));
                    LOG.info("copyset {} restarted from {}", id, dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a new copyset; idempotent for the same peers (in any order). A copyset hosted with other
     * peers is INVALID_ARGUMENT: membership changes are not done this way.
     */
    public synchronized void create(CopysetId id, List<String> peers) {
        List<String> wanted = peers.stream().map(String::trim).toList();
        if (wanted.isEmpty() || new HashSet<>(wanted).size() != wanted.size() || !wanted.contains(self)) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "copyset " + id + ": peers " + wanted
                    + " must be distinct and include " + self);
        }
        CopysetNode existing = copysets.get(id);
        if (existing != null) {
            if (!new HashSet<>(existing.peers()).equals(new HashSet<>(wanted))) {
                throw new RpcException(StatusCode.INVALID_ARGUMENT, "copyset " + id + " is hosted with peers "
                        + existing.peers() + ", not " + wanted);
            }
            return;
        }
        Path dir = root.resolve(id.dirName());
        PeersFile.write(dir, wanted);
        copysets.put(id, CopysetNode.start(id, dir, self, server.raftServer(), settings));
        LOG.info("copyset {} created with peers {}", id, wanted);
    }

    public CopysetNode require(int poolId, int copysetId) {
        CopysetNode node = copysets.get(new CopysetId(poolId, copysetId));
        if (node == null) {
            throw new RpcException(StatusCode.COPYSET_NOT_FOUND, "copyset " + poolId + "/" + copysetId
                    + " is not hosted on " + self);
        }
        return node;
    }

    public Collection<CopysetNode> all() {
        return new ArrayList<>(copysets.values());
    }

    /** Stops every copyset (raft first, then its store). */
    @Override
    public synchronized void close() {
        for (CopysetNode node : copysets.values()) {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("copyset {} did not stop cleanly: {}", node.id(), e.toString());
            }
        }
        copysets.clear();
    }
}
