package io.curvefs.metaserver;

import com.alipay.sofa.jraft.util.Endpoint;
import io.curvefs.common.rpc.CurveRpcServer;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.LeaseReader;
import io.curvefs.metaserver.service.CopysetService;
import io.curvefs.metaserver.service.MetaServerService;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metaserver without its MDS link: the RPC server (shared by every copyset's raft group), the
 * copysets under the data dir and the services. {@link MetaserverMain} adds registration and heartbeats.
 */
public final class MetaserverNode implements AutoCloseable {
    /** Lease reads are short RocksDB lookups and scans; a few threads keep them off jraft's threads. */
    private static final int READ_THREADS = 4;

    private final MetaserverConfig config;
    private final CurveRpcServer server;
    private final ExecutorService readExecutor;
    private final CopysetManager copysets;
    /** Closing a server that never started fails; a metaserver refused at registration never starts one. */
    private volatile boolean started;

    public MetaserverNode(MetaserverConfig config) {
        this.config = config;
        this.server = new CurveRpcServer(new Endpoint(config.listenIp(), config.listenPort()),
                config.clusterToken(), config.rpcThreads());
        AtomicInteger n = new AtomicInteger();
        this.readExecutor = new ThreadPoolExecutor(READ_THREADS, READ_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "meta-read-" + config.listenPort() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.copysets = new CopysetManager(config.dataDir(), config.listenAddr(), server, config.raft());
    }

    /** Listens, then restarts the copysets found in the data dir. */
    public void start() {
        new MetaServerService(copysets, new LeaseReader(readExecutor)).registerOn(server);
        new CopysetService(copysets).registerOn(server);
        started = true;
        server.start();
        copysets.loadExisting();
    }

    public MetaserverConfig config() {
        return config;
    }

    public CopysetManager copysets() {
        return copysets;
    }

    @Override
    public void close() {
        readExecutor.shutdownNow();
        if (!started) {
            return;
        }
        copysets.close();
        server.close();
    }
}
