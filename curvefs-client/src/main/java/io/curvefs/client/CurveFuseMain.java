package io.curvefs.client;

import io.curvefs.client.data.DataStore;
import io.curvefs.client.fuse.FuseSession;
import io.curvefs.common.meta.MdsClient;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.client.mount.ClientConfig;
import io.curvefs.client.mount.MdsChunkIdSource;
import io.curvefs.client.mount.MetaChunkInfoStore;
import io.curvefs.client.mount.MountSession;
import io.curvefs.client.mount.ProcMounts;
import io.curvefs.client.vfs.Vfs;
import io.curvefs.common.conf.ConfigException;
import io.curvefs.common.rpc.CurveRpcClient;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.mds.Mountpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code CurveFuseMain --conf FILE --fsname NAME MOUNTPOINT [-o opts]}: mounts a file system in the
 * foreground until {@code umount}/{@code fusermount -u} or SIGTERM; then flushes every file and ends
 * the session at the MDS. A bad command line or conf exits 2, an fs that cannot be mounted exits 1, each
 * with one line on stderr; the kernel mount is made only after the MDS accepted the session.
 */
public final class CurveFuseMain {
    private static final Logger LOG = LoggerFactory.getLogger(CurveFuseMain.class);
    private static final String USAGE = "usage: curve-fuse --conf FILE --fsname NAME MOUNTPOINT [-o opts]";
    /** How long SIGTERM waits for the unmount, the flush and the session's end before the JVM halts. */
    private static final long SHUTDOWN_WAIT_SEC = 120;
    /** How often open files are checked for names lost elsewhere (a third of a short trash retention). */
    private static final long OPEN_FILE_CHECK_MS = 10_000;

    private record Args(Path conf, String fsName, Path mountpoint, List<String> options) {
    }

    private CurveFuseMain() {
    }

    public static void main(String[] argv) {
        Args args;
        ClientConfig config;
        try {
            args = parse(argv);
            FuseSession.checkOptions(args.fsName(), args.options());
            config = ClientConfig.load(args.conf());
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("curve-fuse: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!Files.isDirectory(args.mountpoint())) {
            System.err.println("curve-fuse: mount point " + args.mountpoint() + " is not a directory");
            System.exit(2);
        }
        System.exit(run(args, config));
    }

    /** {@code finished} opens once everything is flushed and the session ended: what SIGTERM waits for. */
    private static int run(Args args, ClientConfig config) {
        CountDownLatch finished = new CountDownLatch(1);
        try (CurveRpcClient rpc = new CurveRpcClient(config.clusterToken())) {
            CurveRpcClient.completeOnIoThreads();
            MdsClient mds = new MdsClient(rpc, config.mdsAddrs(), config.retryPolicy());
            MountSession session;
            try {
                session = MountSession.open(mds, args.fsName(), mountpoint(args.mountpoint(), rpc.clientId()),
                        ProcMounts.isMountPoint(args.mountpoint()));
            } catch (RpcException e) {
                System.err.println("curve-fuse: cannot mount fs " + args.fsName() + ": " + e.code() + " " + e.getMessage());
                return 1;
            }
            try {
                return serve(args, config, rpc, mds, session, finished);
            } finally {
                session.close();
            }
        } finally {
            finished.countDown();
        }
    }

    private static int serve(Args args, ClientConfig config, CurveRpcClient rpc, MdsClient mds, MountSession session,
                             CountDownLatch finished) {
        FsInfo fs = session.fsInfo();
        MetaClient meta = new MetaClient(rpc, mds, fs.getFsId(), config.retryPolicy());
        DataStore data;
        try {
            data = new DataStore(fs.getS3Info(), fs.getFsId(), new MetaChunkInfoStore(meta),
                    new MdsChunkIdSource(mds, fs.getFsId(), config.chunkIdBatch()), config.data());
        } catch (IOException | RuntimeException e) {
            System.err.println("curve-fuse: cannot open the data store of fs " + args.fsName() + ": " + e.getMessage());
            return 1;
        }
        Vfs vfs = new Vfs(meta, data, session, config.attrTimeout(), config.entryTimeout(), fs.getRecycleHours() > 0);
        FuseSession fuse;
        try {
            fuse = FuseSession.mount(vfs, args.mountpoint(), args.fsName(), args.options(), config.fuse(),
                    config.attrTimeout(), config.entryTimeout());
        } catch (IOException | RuntimeException e) {
            System.err.println("curve-fuse: mounting " + args.mountpoint() + " failed: " + e.getMessage());
            data.close();
            return 1;
        }
        Thread hook = new Thread(() -> {
            if (finished.getCount() > 0) {
                LOG.info("signal: unmounting {}", args.mountpoint());
                fuse.unmount();
                try {
                    finished.await(SHUTDOWN_WAIT_SEC, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "curve-fuse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int exit = 0;
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "open-file-watch");
            t.setDaemon(true);
            return t;
        });
        long every = fs.hasTrashRetentionSec()
                ? Math.max(200, Math.min(OPEN_FILE_CHECK_MS, fs.getTrashRetentionSec() * 1000L / 3)) : OPEN_FILE_CHECK_MS;
        watch.scheduleWithFixedDelay(() -> {
            try {
                vfs.holdNamelessOpenFiles();
            } catch (RuntimeException e) {
                LOG.warn("checking open files for names removed elsewhere: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            LOG.info("mounted fs {} (id {}) at {}", args.fsName(), fs.getFsId(), args.mountpoint());
            fuse.serve();
            LOG.info("{} unmounted", args.mountpoint());
        } catch (IOException | InterruptedException e) {
            LOG.error("serving {} failed: {}", args.mountpoint(), e.getMessage());
            fuse.unmount();
            exit = 1;
        } finally {
            watch.shutdownNow();
            fuse.close();
            data.close(); // flushes every file; failures are logged by the data store
        }
        return exit;
    }

    private static Mountpoint mountpoint(Path path, String sessionId) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return Mountpoint.newBuilder().setHostname(host).setPath(path.toAbsolutePath().normalize().toString())
                .setCto(true).setSessionId(sessionId).build();
    }

    private static Args parse(String[] argv) {
        Path conf = null;
        String fsName = null;
        Path mountpoint = null;
        List<String> options = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--conf" -> conf = Path.of(value(argv, ++i, a));
                case "--fsname" -> fsName = value(argv, ++i, a);
                case "-o" -> options.add(value(argv, ++i, a));
                default -> {
                    if (a.startsWith("-") || mountpoint != null) {
                        throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
                    }
                    mountpoint = Path.of(a);
                }
            }
        }
        if (conf == null || fsName == null || mountpoint == null) {
            throw new IllegalArgumentException(USAGE);
        }
        return new Args(conf, fsName, mountpoint.toAbsolutePath().normalize(), options);
    }

    private static String value(String[] argv, int i, String option) {
        if (i >= argv.length) {
            throw new IllegalArgumentException(option + " needs a value; " + USAGE);
        }
        return argv[i];
    }
}
